"""Results: a markdown table with ratios and budget checks, the raw JSON, and a chart."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sqlite3
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from checks import VoteCheck
from load import LoadResult
from systems import (
    AT_COMMIT,
    BENCH,
    ISSO_PACKAGES,
    PG_ADMIN,
    PLOT_PACKAGES,
    PLOT_VENV,
    ensure_venv,
    nginx_binary,
)

from servers import Server

RESULTS = BENCH / "results"
STOLEN_MARK = 0.05
READS = ("read-200", "read-1000-p1")
SCENARIO_TITLES = {
    "read-200": "Read the 200-comment thread whole",
    "read-1000-p1": "First page (50) of the 1,000-comment thread",
    "vote": "Vote (distinct voters, 10,000-comment thread)",
    "post": "Post a comment",
    "mixed": "Mixed: 90% reads, 8% votes, 2% posts",
    "scale-cached": "Read a 100-comment thread (page cache on)",
    "scale-uncached": "Read a 100-comment thread (page cache off)",
    "scale-mixed": "Mixed 90/8/2 on the big database",
}


@dataclass(frozen=True, slots=True)
class Row:
    scenario: str
    system: str
    result: LoadResult
    stolen_cpu: float = 0.0  # share of the machine's CPU other processes used during the run


@dataclass(frozen=True, slots=True)
class Memory:
    """Resident memory of a server's processes, from /proc/PID/status."""

    system: str
    workers_kib: tuple[tuple[int, int, int], ...]  # (pid, VmRSS, VmHWM)
    main_kib: int

    @classmethod
    def of(cls, system: str, server: Server) -> Memory:
        workers = tuple((pid, *_status_kib(pid)) for pid in server.descendants())
        return cls(system, workers, _status_kib(server.process.pid)[0])

    def summary(self) -> str:
        each = ", ".join(
            f"pid {pid}: {rss / 1024:.1f} MiB (peak {hwm / 1024:.1f})" for pid, rss, hwm in self.workers_kib
        )
        total = sum(rss for _pid, rss, _hwm in self.workers_kib) / 1024
        main = self.main_kib / 1024
        count = len(self.workers_kib)
        return f"{count} granian workers, {total:.1f} MiB in all ({each}); main process {main:.1f} MiB"


def _status_kib(pid: int) -> tuple[int, int]:
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


def _find(rows: Sequence[Row], scenario: str, system: str) -> LoadResult | None:
    return next((row.result for row in rows if row.scenario == scenario and row.system == system), None)


def _ratio(numerator: LoadResult | None, denominator: LoadResult | None) -> str:
    if numerator is None or denominator is None or denominator.rps == 0:
        return ""
    value = numerator.rps / denominator.rps
    return f"{value:,.0f}x" if value >= 10 else f"{value:.2f}x"


def _system(row: Row) -> str:
    """The system's name, marked when other processes took CPU during the run."""
    return f"{row.system} †" if row.stolen_cpu > STOLEN_MARK else row.system


def _cells(row: Row) -> str:
    """The first columns of a table line: scenario, system, req/s, p50, p99, errors."""
    r = row.result
    title = SCENARIO_TITLES.get(row.scenario, row.scenario)
    errors = r.non_2xx + r.errors
    return f"| {title} | {_system(row)} | {r.rps:,.1f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {errors} |"


def main_table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| scenario | system | req/s | p50 ms | p99 ms | errors | yoron / Isso | yoron / nginx |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.scenario.startswith("scale"):
            continue
        r = row.result
        vs_isso = vs_nginx = ""
        if row.system.startswith("yoron"):
            vs_isso = _ratio(r, _find(rows, row.scenario, "isso"))
            if row.scenario in READS:
                vs_nginx = _ratio(r, _find(rows, row.scenario, "nginx"))
        lines.append(f"{_cells(row)} {vs_isso} | {vs_nginx} |")
    return lines


def scale_table(rows: Sequence[Row]) -> list[str]:
    scale = [row for row in rows if row.scenario.startswith("scale")]
    if not scale:
        return []
    lines = [
        "| scenario | system @ database size | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [_cells(row) for row in scale]
    for scenario in ("scale-cached", "scale-uncached"):
        pair = [row.result for row in scale if row.scenario == scenario]
        if len(pair) == 2 and pair[0].rps:
            lines.append("")
            small, big = pair
            lines.append(
                f"- {SCENARIO_TITLES[scenario]}: big database / small database = {big.rps / small.rps:.2f}x"
                f" the throughput; p50 {small.p50_ms:.2f} -> {big.p50_ms:.2f} ms"
            )
    return lines


def budget_lines(rows: Sequence[Row]) -> list[str]:
    """DESIGN.md's budgets, checked against this run's numbers."""
    checks: list[tuple[str, bool | None, str]] = []

    def ratio_of(scenario: str, system: str, other: str) -> float | None:
        mine, theirs = _find(rows, scenario, system), _find(rows, scenario, other)
        return mine.rps / theirs.rps if mine and theirs and theirs.rps else None

    for engine in ("yoron-sqlite", "yoron-postgresql"):
        value = ratio_of("read-200", engine, "isso")
        checks.append(
            (
                f"{engine}: 200-comment thread >= 300x Isso",
                None if value is None else value >= 300,
                "" if value is None else f"{value:,.0f}x",
            )
        )
        value = ratio_of("read-1000-p1", engine, "nginx")
        checks.append(
            (
                f"{engine}: 1,000-thread first page >= 0.5x nginx",
                None if value is None else value >= 0.5,
                "" if value is None else f"{value:.2f}x",
            )
        )
        mixed = _find(rows, "mixed", engine)
        checks.append(
            (
                f"{engine}: mixed load p99 < 50 ms",
                None if mixed is None else mixed.p99_ms < 50,
                "" if mixed is None else f"{mixed.p99_ms:.1f} ms",
            )
        )
    for name, scenario, target in (("votes/s", "vote", 3000), ("comments/s", "post", 1000)):
        result = _find(rows, scenario, "yoron-sqlite")
        checks.append(
            (
                f"yoron-sqlite (synchronous=FULL): {target:,} {name}",
                None if result is None else result.rps >= target,
                "" if result is None else f"{result.rps:,.0f}",
            )
        )
    scale = [row.result for row in rows if row.scenario == "scale-uncached"]
    if len(scale) == 2 and scale[0].rps:
        ratio = scale[1].rps / scale[0].rps
        checks.append(
            ("read cost flat from 10k to 1M comments (uncached, within 20%)", ratio >= 0.8, f"{ratio:.2f}x")
        )
    marks = {True: "met", False: "**missed**", None: "not measured"}
    return [
        f"- {label}: {marks[ok]} ({value})" if value else f"- {label}: {marks[ok]}"
        for label, ok, value in checks
    ]


def environment(start_revision: str) -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_gib = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    packages = ", ".join(f"{name} {metadata.version(name)}" for name in ("yoron", "granian", "litestar"))
    wrk_version = (_tool_version(["wrk", "-v"]).splitlines() or ["wrk"])[0]
    return [
        *_revision_lines(start_revision),
        f"- Machine: {os.cpu_count()} cores ({cpu}), {memory_gib:.0f} GiB RAM, {platform.platform()}",
        f"- Python {platform.python_version()}; {packages}; SQLite {sqlite3.sqlite_version};"
        f" PostgreSQL {_pg_version()}",
        f"- Isso venv: {', '.join(ISSO_PACKAGES)}; {_tool_version([nginx_binary(), '-v'])}; {wrk_version}",
    ]


def _revision_lines(start_revision: str) -> list[str]:
    end = revision()
    if end == start_revision:
        return [f"- yoron at {end}"]
    return [f"- yoron changed during the run: it began at {start_revision} and ended at {end}"]


def revision() -> str:
    """The commit under test, and whether src/ had uncommitted changes (read-only git calls)."""
    if AT_COMMIT in os.environ:
        subject = os.environ[AT_COMMIT]
        subject = subject if len(subject) <= 90 else subject[:89] + "…"
        return f"commit {subject} (src/ exported with git archive; the working tree was not used)"
    git = ["git", "--no-optional-locks", "-C", str(BENCH.parent)]
    head = _tool_version([*git, "log", "-1", "--format=%h %s"])
    head = head if len(head) <= 90 else head[:89] + "…"
    changed = _tool_version([*git, "status", "--porcelain", "--", "src"]).splitlines()
    return f"commit {head}" + (
        f" plus uncommitted changes to {len(changed)} file(s) in src/" if changed else ""
    )


def _tool_version(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).strip()


def _pg_version() -> str:
    import asyncpg

    async def ask() -> str:
        connection = await asyncpg.connect(f"{PG_ADMIN}/postgres")
        try:
            return str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()

    try:
        return asyncio.run(ask())
    except (OSError, asyncpg.PostgresError):
        return "unavailable"


def markdown(
    start_revision: str,
    rows: Sequence[Row],
    checks: Sequence[VoteCheck],
    memory: Sequence[Memory],
    notes: Sequence[str],
    plan: str,
    elapsed: float,
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# yoron benchmark results",
        "",
        f"Run {stamp}, {elapsed / 60:.1f} minutes; {plan}.",
        "",
        *environment(start_revision),
        "",
        "## Throughput and latency",
        "",
        *main_table(rows),
        "",
        'Ratios compare requests per second measured in this run. "errors" counts non-2xx responses'
        " plus socket errors and timeouts. † marks a run during which processes outside the test took more"
        f" than {STOLEN_MARK:.0%} of the machine's CPU (the bench waits for a quiet machine before each run"
        " and repeats a disturbed run once, keeping the less disturbed result).",
        "",
    ]
    if any(row.scenario.startswith("scale") for row in rows):
        parts += ["## Database size", "", *scale_table(rows), ""]
    if memory:
        parts += ["## Memory of the granian workers on the big database (VmRSS, /proc/PID/status)", ""]
        parts += [f"- {item.system}: {item.summary()}" for item in memory] + [""]
    if checks:
        parts += (
            ["## Read-your-vote", ""] + [f"- {check.system}: {check.summary()}" for check in checks] + [""]
        )
    parts += ["## Budgets (DESIGN.md)", "", *budget_lines(rows), ""]
    if notes:
        parts += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    parts += ["![chart](chart.png)", ""]
    return "\n".join(parts)


def write(
    start_revision: str,
    rows: Sequence[Row],
    checks: Sequence[VoteCheck],
    memory: Sequence[Memory],
    notes: Sequence[str],
    plan: str,
    elapsed: float,
) -> list[Path]:
    """results.json, results.md and chart.png under bench/results/."""
    RESULTS.mkdir(exist_ok=True)
    data = {
        "plan": plan,
        "elapsed_s": round(elapsed, 1),
        "rows": [
            {
                "scenario": r.scenario,
                "system": r.system,
                **r.result.as_dict(),
                "stolen_cpu": round(r.stolen_cpu, 4),
            }
            for r in rows
        ],
        "read_your_vote": [
            {
                "system": c.system,
                "held": c.held,
                "visible_after_ms": c.visible_after_ms,
                "immediate": c.immediate,
            }
            for c in checks
        ],
        "memory": [
            {"system": m.system, "workers_kib": m.workers_kib, "main_kib": m.main_kib} for m in memory
        ],
        "notes": list(notes),
    }
    raw = RESULTS / "results.json"
    raw.write_text(json.dumps(data, indent=2) + "\n")
    table = RESULTS / "results.md"
    table.write_text(markdown(start_revision, rows, checks, memory, notes, plan, elapsed))
    chart = RESULTS / "chart.png"
    python = ensure_venv(PLOT_VENV, PLOT_PACKAGES)
    subprocess.run([str(python), str(BENCH / "chart.py"), str(raw), str(chart)], check=True, timeout=300)
    return [table, raw, chart]
