"""Draw bench/results/chart.png from results.json. Runs in the plot venv (matplotlib).

bench/work/plot-venv/bin/python bench/chart.py bench/results/results.json bench/results/chart.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

SCENARIOS = ["read-200", "read-1000-p1", "vote", "post", "mixed"]
LABELS = ["200-thread\nwhole", "1,000-thread\npage 1", "vote", "post", "mixed\n90/8/2"]
COLOURS = {
    "yoron-sqlite": "#1f77b4",
    "yoron-sqlite 1 worker": "#6baed6",
    "yoron-sqlite sync=NORMAL": "#c6dbef",
    "yoron-postgresql": "#2ca02c",
    "isso": "#d62728",
    "nginx": "#7f7f7f",
}


def _grouped(ax: Axes, rows: list[dict[str, Any]], metric: str, title: str, unit: str) -> None:
    systems = [system for system in COLOURS if any(row["system"] == system for row in rows)]
    width = 0.8 / max(1, len(systems))
    for offset, system in enumerate(systems):
        xs, values = [], []
        for index, scenario in enumerate(SCENARIOS):
            found = [row[metric] for row in rows if row["system"] == system and row["scenario"] == scenario]
            if found and found[0] > 0:
                xs.append(index + (offset - (len(systems) - 1) / 2) * width)
                values.append(found[0])
        bars = ax.bar(xs, values, width, label=system, color=COLOURS[system])
        ax.bar_label(bars, labels=[_short(value) for value in values], fontsize=6, rotation=90, padding=2)
    ax.set_yscale("log")
    ax.set_xticks(range(len(SCENARIOS)), LABELS, fontsize=8)
    ax.set_ylabel(unit)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.margins(y=0.25)


def _scale(ax: Axes, rows: list[dict[str, Any]]) -> None:
    scale = [row for row in rows if row["scenario"].startswith("scale")]
    labels = [
        f"{row['scenario'].removeprefix('scale-')}\n{row['system'].split('@')[-1].strip()}" for row in scale
    ]
    bars = ax.bar(range(len(scale)), [row["rps"] for row in scale], color="#1f77b4")
    ax.bar_label(bars, labels=[_short(row["rps"]) for row in scale], fontsize=7)
    ax.set_xticks(range(len(scale)), labels, fontsize=8)
    ax.set_ylabel("requests/s")
    ax.set_title("yoron-sqlite: same threads, small vs big database", fontsize=10)
    ax.grid(axis="y", alpha=0.3)


def _short(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def main(source: Path, target: Path) -> None:
    rows = json.loads(source.read_text())["rows"]
    has_scale = any(row["scenario"].startswith("scale") for row in rows)
    figure, axes = plt.subplots(3 if has_scale else 2, 1, figsize=(10, 13 if has_scale else 9))
    _grouped(axes[0], rows, "rps", "Throughput (higher is better, log scale)", "requests/s")
    _grouped(axes[1], rows, "p99_ms", "p99 latency (lower is better, log scale)", "ms")
    axes[0].legend(fontsize=8, ncol=3, loc="upper right")
    if has_scale:
        _scale(axes[2], rows)
    figure.suptitle("yoron vs Isso 0.14.0 vs nginx (static), 2 cores, wrk -t2 -c32", fontsize=12)
    figure.tight_layout()
    figure.savefig(target, dpi=110)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
