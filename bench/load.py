"""Drive wrk from a separate process and read back its summary."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"
WRK_THREADS = 2
WRK_TIMEOUT = "30s"  # Isso answers a 200-comment read in about a second under load: count it, do not drop it


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one wrk run measured."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    non_2xx: int
    bytes_per_request: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _parse(output: str) -> LoadResult:
    line = next((line for line in output.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    raw = json.loads(line.removeprefix("BENCH_RESULT "))
    seconds = raw["duration_us"] / 1e6
    requests = raw["requests"]
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return LoadResult(
        requests=requests,
        seconds=round(seconds, 2),
        rps=requests / seconds if seconds else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=socket_errors,
        non_2xx=raw["status_errors"],
        bytes_per_request=raw["bytes"] / requests if requests else 0.0,
    )


def wrk(
    url: str,
    seconds: float,
    connections: int,
    script: str = "read.lua",
    args: Sequence[str] = (),
) -> LoadResult:
    """Load ``url`` for ``seconds`` with ``connections`` connections; ``args`` go to the Lua script."""
    command = [
        "wrk",
        f"-t{min(WRK_THREADS, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        script,
        url,
        "--",
        *args,
    ]
    # wrk finishes by itself after -d; the timeout is a backstop for a hung server.
    done = subprocess.run(command, cwd=LUA, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    return _parse(done.stdout)


def diagnose(url: str, connections: int, script: str, args: Sequence[str], seconds: float = 2.0) -> str:
    """Responses by status, with one body per non-2xx status, from a short extra run."""
    command = [
        "wrk",
        f"-t{min(WRK_THREADS, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
    ]
    command += ["-s", "diagnose.lua", url, "--", *args]
    env = {**os.environ, "BENCH_SCENARIO": "1" if script == "scenario.lua" else "0"}
    done = subprocess.run(
        command, cwd=LUA, capture_output=True, text=True, timeout=seconds + 60, check=False, env=env
    )
    lines = [
        line.removeprefix("BENCH_STATUS ")
        for line in done.stdout.splitlines()
        if line.startswith("BENCH_STATUS ")
    ]
    return (
        "; ".join(sorted(lines)) or f"no status lines (wrk exited {done.returncode}: {done.stderr.strip()})"
    )


def _cpu_times() -> tuple[int, int]:
    """(busy, total) clock ticks over all cores since boot, from /proc/stat.

    Busy is user, nice, system and steal time: interrupt and softirq time is left out, since
    on loopback it is mostly the benchmark's own network traffic and belongs to no process.
    """
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return user + nice + system + steal, user + nice + system + idle + iowait + irq + softirq + steal


def cpu_busy(interval: float = 1.0) -> float:
    """Share of all cores busy over ``interval`` seconds."""
    busy_before, total_before = _cpu_times()
    time.sleep(interval)
    busy_after, total_after = _cpu_times()
    return (busy_after - busy_before) / max(1, total_after - total_before)


def wait_quiet(threshold: float = 0.10, limit_s: float = 15.0) -> float:
    """Wait (at most ``limit_s``) until other processes leave the cores idle; returns the last busy share.

    Call it with the server under test idle: whatever CPU is busy then belongs to someone else
    and would be stolen from the measurement.
    """
    deadline = time.monotonic() + limit_s
    busy = cpu_busy()
    while busy > threshold and time.monotonic() < deadline:
        busy = cpu_busy()
    return busy


def _process_jiffies(pid: int) -> int:
    """User plus system CPU time a process has used, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _children_jiffies() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 100  # USER_HZ


class CpuAudit:
    """How much of the machine's CPU went to processes outside the test during a measurement.

    The test is the server's processes, wrk, and PostgreSQL's when it is part of the system
    (backends the pool opens mid-run included). Anything else, another user's test suite
    say, steals cores from the measurement.
    """

    def __init__(self, pids: Iterable[int], include_postgres: bool) -> None:
        self._pids = list(pids)
        self._postgres = include_postgres
        self._busy, self._total = _cpu_times()
        self._ours = self._per_process()
        self._children = _children_jiffies()

    def _per_process(self) -> dict[int, int]:
        pids = self._pids + (_postgres_pids() if self._postgres else [])
        return {pid: _process_jiffies(pid) for pid in pids}

    def foreign_share(self) -> float:
        """Share of all cores' time used by other processes since the audit began."""
        busy, total = _cpu_times()
        ours_now = self._per_process()
        ours = sum(now - self._ours.get(pid, 0) for pid, now in ours_now.items())
        ours += round(_children_jiffies() - self._children)  # wrk, reaped when it finished
        foreign = (busy - self._busy) - ours
        return max(0.0, foreign / max(1, total - self._total))
