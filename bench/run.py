"""yoron's side-by-side benchmark, from one command.

    .venv/bin/python bench/run.py            # the full run, about 12 minutes
    .venv/bin/python bench/run.py --quick    # a smoke run: 2 s per scenario, 100k-comment scale test

Seeds the same threads into yoron (SQLite, PostgreSQL) and Isso 0.14.0 by bulk
insert, serves each system alone on 127.0.0.1, loads it with wrk from a
separate process, and writes bench/results/results.md, results.json and
chart.png. See bench/README.md for what each scenario measures.
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report
from checks import (
    VoteCheck,
    check_vote_visible,
    expect_write,
    fetch_ok,
    from_somewhere,
    isso_comment_count,
    mint_tokens,
    yoron_page,
)
from corpus import Corpus, bench_corpus
from generate import generate
from load import CpuAudit, LoadResult, diagnose, wait_quiet, wrk
from systems import (
    AT_COMMIT,
    ISSO_PACKAGES,
    ISSO_VENV,
    LOGS,
    WORK,
    Isso,
    IssoThread,
    Nginx,
    Yoron,
    ensure_debian_tools,
    ensure_venv,
    export_src,
    pg_url,
)
from yoron_seed import Seeded, opened_at_ms, render_all

import servers
from servers import Server

TOKENS = 1_000
TOKEN_FILE = WORK / "tokens.txt"
SCALE_READ_THREADS = 100  # reads pick among the first 100 threads, identical in both databases
STOLEN_LIMIT = 0.05  # share of the machine's CPU other processes may take during a measurement
MIX = "0.90,0.08,0.02"
ALL = ("read-200", "read-1000-p1", "vote", "post", "mixed")


@dataclass(frozen=True, slots=True)
class Plan:
    """How long each measurement runs and how big the scale test is."""

    seconds: float
    warmup: float
    scale_comments: int
    scale_threads: int
    patience_s: float  # after this long, stop waiting for a quiet machine and stop repeating runs
    small_comments: int = 10_000
    small_threads: int = 100
    connections: int = 32

    @classmethod
    def make(cls, quick: bool) -> Plan:
        if quick:
            return cls(seconds=2, warmup=1, scale_comments=100_000, scale_threads=1_000, patience_s=150)
        return cls(seconds=10, warmup=2, scale_comments=1_000_000, scale_threads=10_000, patience_s=600)

    def describe(self) -> str:
        return (
            f"{self.seconds:g} s per measurement after a {self.warmup:g} s warm-up,"
            f" wrk -t2 -c{self.connections};"
            f" scale test {self.small_comments:,} vs {self.scale_comments:,} comments"
        )


@dataclass(frozen=True, slots=True)
class Load:
    """What wrk sends: one fixed GET (read.lua), or requests built by scenario.lua from ``args``."""

    path: str
    args: tuple[str, ...] = ()

    @property
    def script(self) -> str:
        return "scenario.lua" if self.args else "read.lua"


class Bench:
    """Runs measurements and keeps their results in order."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rows: list[report.Row] = []
        self.notes: list[str] = []
        self.started = time.monotonic()

    def log(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.0f}s] {message}", flush=True)

    def note(self, message: str) -> None:
        self.notes.append(message)
        self.log(message)

    def measure(self, server: Server, scenario: str, system: str, load: Load) -> LoadResult:
        """Warm up, then run ``load`` for the planned time; recorded.

        A run during which other processes took more than ``STOLEN_LIMIT`` of the CPU is
        repeated once, and the less disturbed of the two is kept.
        """
        url = server.base_url + load.path
        if self.plan.warmup:
            wrk(url, self.plan.warmup, self.plan.connections, load.script, load.args)
            server.settle()
        result, stolen = self._run_once(server, system, url, load)
        if stolen > STOLEN_LIMIT and self.patient():
            self.log(f"{scenario}/{system}: other processes took {stolen:.0%} of the CPU; measuring again")
            retry, retry_stolen = self._run_once(server, system, url, load)
            if retry_stolen < stolen:
                result, stolen = retry, retry_stolen
        self.rows.append(report.Row(scenario, system, result, stolen))
        self.log(f"{scenario:<14} {system:<26} {_numbers(result)}{_flags(result, stolen)}")
        if result.non_2xx:
            statuses = diagnose(url, self.plan.connections, load.script, load.args)
            server.settle()
            self.note(
                f"{scenario} on {system} answered {result.non_2xx:,} non-2xx; a 2 s re-run saw: {statuses}"
            )
        return result

    def patient(self) -> bool:
        """Whether there is still time to wait for quiet and repeat disturbed runs."""
        return time.monotonic() - self.started < self.plan.patience_s

    def _run_once(self, server: Server, system: str, url: str, load: Load) -> tuple[LoadResult, float]:
        wait_quiet(limit_s=15.0 if self.patient() else 2.0)
        audit = CpuAudit([server.process.pid, *server.descendants()], "postgresql" in system)
        result = wrk(url, self.plan.seconds, self.plan.connections, load.script, load.args)
        stolen = audit.foreign_share()
        server.settle()
        return result, stolen

    def measure_all(self, server: Server, system: str, loads: dict[str, Load], names: Iterable[str]) -> None:
        for name in names:
            self.measure(server, name, system, loads[name])


def _numbers(result: LoadResult) -> str:
    return f"{result.rps:>10,.1f} req/s  p50 {result.p50_ms:8.2f} ms  p99 {result.p99_ms:8.2f} ms"


def _flags(result: LoadResult, stolen: float) -> str:
    flags = []
    if result.non_2xx or result.errors:
        flags.append(f"{result.non_2xx} non-2xx, {result.errors} socket errors")
    if stolen > STOLEN_LIMIT:
        flags.append(f"other processes took {stolen:.0%} of the CPU during the run")
    return f"  ({'; '.join(flags)})" if flags else ""


# --- yoron ----------------------------------------------------------------------------------------


def id_range(ids: range) -> str:
    return f"{ids.start}-{ids.stop - 1}"


def yoron_loads(seeded: dict[str, Seeded]) -> dict[str, Load]:
    """yoron's requests for each scenario, against the seeded thread and comment ids."""
    read_200 = f"/api/v1/threads/{seeded['thread-200'].thread_id}/comments?limit=200"
    read_1000 = f"/api/v1/threads/{seeded['thread-1000'].thread_id}/comments?limit=50"
    hot = (seeded["thread-200"], seeded["thread-1000"])
    tokens = f"tokens={TOKEN_FILE}"
    return {
        "read-200": Load(read_200),
        "read-1000-p1": Load(read_1000),
        "vote": Load(
            "/", ("system=yoron", "mix=0,1,0", tokens, f"vote_ids={id_range(_ids(seeded, '10000'))}")
        ),
        "post": Load("/", ("system=yoron", "mix=0,0,1", tokens, f"post={seeded['thread-post'].thread_id}")),
        "mixed": Load(
            "/",
            (
                "system=yoron",
                f"mix={MIX}",
                tokens,
                f"read={read_200}",
                f"read={read_1000}",
                *(f"vote_ids={id_range(thread.comment_ids)}" for thread in hot),
                *(f"post={thread.thread_id}" for thread in hot),
            ),
        ),
    }


def _ids(seeded: dict[str, Seeded], size: str) -> range:
    return seeded[f"thread-{size}"].comment_ids


def check_yoron(server: Server, seeded: dict[str, Seeded], loads: dict[str, Load]) -> dict[str, bytes]:
    """Fail early on a broken setup; returns the read pages' bytes (nginx serves the same)."""
    if not TOKEN_FILE.exists() or len(TOKEN_FILE.read_text().split()) < TOKENS:
        mint_tokens(server, seeded["thread-tokens"].first_comment_id, TOKENS, TOKEN_FILE)
    token = TOKEN_FILE.read_text().split()[0]
    vote = f"/api/v1/comments/{_ids(seeded, '10000').start}/vote"
    expect_write(server, "PUT", vote, b'{"value": 1}', {"x-yoron-device": token} | from_somewhere())
    return {
        "thread-200.json": yoron_page(server, loads["read-200"].path, 200),
        "thread-1000-p1.json": yoron_page(server, loads["read-1000-p1"].path, 50),
    }


def bench_yoron(
    bench: Bench,
    system: Yoron,
    corpus: Corpus,
    html: list[str],
    opened: int,
    scenarios: tuple[str, ...] = ALL,
) -> tuple[dict[str, bytes], VoteCheck]:
    """Seed, serve and measure one yoron; returns the read pages' bytes and the read-your-vote check."""
    bench.log(f"seeding {system.name}")
    seeded = system.seed(corpus, html, opened)
    loads = yoron_loads(seeded)
    with system.serve() as server:
        pages = check_yoron(server, seeded, loads)
        bench.measure_all(server, system.name, loads, scenarios)
        sample = list(_ids(seeded, "200"))[5:205:20]
        check = check_vote_visible(server, loads["read-200"].path, sample)
        bench.log(f"read-your-vote on {system.name}: {check.summary()}")
    return pages, check


# --- Isso and nginx --------------------------------------------------------------------------------


def isso_range(thread: IssoThread) -> str:
    return id_range(range(thread.first_comment_id, thread.first_comment_id + thread.size))


def isso_loads(seeded: dict[str, IssoThread]) -> dict[str, Load]:
    read_200 = "/?uri=/thread-200"
    # Isso's cheapest way to return 50 comments: 50 top-level comments, no replies.
    read_1000 = "/?uri=/thread-1000&limit=50&nested_limit=0"
    hot = (seeded["/thread-200"], seeded["/thread-1000"])
    return {
        "read-200": Load(read_200),
        "read-1000-p1": Load(read_1000),
        "vote": Load("/", ("system=isso", "mix=0,1,0", f"vote_ids={isso_range(seeded['/thread-10000'])}")),
        "post": Load("/", ("system=isso", "mix=0,0,1", "post=/thread-post")),
        "mixed": Load(
            "/",
            (
                "system=isso",
                f"mix={MIX}",
                f"read={read_200}",
                f"read={read_1000}",
                *(f"vote_ids={isso_range(thread)}" for thread in hot),
                *(f"post={thread.uri}" for thread in hot),
            ),
        ),
    }


def bench_isso(bench: Bench, corpus: Corpus) -> None:
    isso = Isso()
    bench.log("seeding isso")
    seeded = isso.seed(corpus)
    loads = isso_loads(seeded)
    with isso.serve() as server:
        if isso_comment_count(fetch_ok(server, loads["read-200"].path)) != 200:
            raise RuntimeError("Isso does not return the 200-comment thread whole")
        if isso_comment_count(fetch_ok(server, loads["read-1000-p1"].path)) != 50:
            raise RuntimeError("Isso's first page of the 1,000-comment thread is not 50 comments")
        like = f"/id/{seeded['/thread-10000'].first_comment_id}/like"
        expect_write(server, "POST", like, b"", from_somewhere())
        bench.measure_all(server, "isso", loads, ALL)


def bench_nginx(bench: Bench, pages: dict[str, bytes]) -> None:
    with Nginx(pages).serve() as server:
        for name, body in pages.items():
            if fetch_ok(server, "/" + name) != body:
                raise RuntimeError(f"nginx does not serve yoron's bytes for {name}")
        bench.measure(server, "read-200", "nginx", Load("/thread-200.json"))
        bench.measure(server, "read-1000-p1", "nginx", Load("/thread-1000-p1.json"))


# --- database size and memory ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScaleDb:
    """A generated database and the threads the scale scenarios read."""

    url: str
    label: str
    targets: list[Seeded]

    def _reads(self) -> tuple[str, str]:
        first, last = self.targets[0].thread_id, self.targets[-1].thread_id
        return "read=/api/v1/threads/%d/comments?limit=200", f"read_ids={first}-{last}"

    def read_load(self) -> Load:
        return Load("/", ("system=yoron", "mix=1,0,0", *self._reads()))

    def mixed_load(self) -> Load:
        """Reads of the target threads, votes on their comments, posts to ten of them."""
        comments = range(self.targets[0].first_comment_id, self.targets[-1].comment_ids.stop)
        posts = tuple(f"post={thread.thread_id}" for thread in self.targets[:10])
        vote_ids = f"vote_ids={id_range(comments)}"
        return Load(
            "/", ("system=yoron", f"mix={MIX}", f"tokens={TOKEN_FILE}", *self._reads(), vote_ids, *posts)
        )


def generate_scale_db(bench: Bench, name: str, label: str, comments: int, threads: int) -> ScaleDb:
    url = f"sqlite:///{WORK / name}.db"
    started = time.monotonic()
    seeded = generate(url, comments, threads)
    elapsed = time.monotonic() - started
    bench.note(f"generate.py: {comments:,} comments in {threads:,} threads (SQLite) in {elapsed:.0f} s")
    targets = sorted(seeded.values(), key=lambda thread: thread.thread_id)[:SCALE_READ_THREADS]
    return ScaleDb(url, label, targets)


def bench_scale_reads(bench: Bench, db: ScaleDb) -> report.Memory:
    """Read the same 100-comment threads with the page cache on, then off (every read hits SQL).

    Returns the workers' memory after the cached reads: the baseline for the mixed load's.
    """
    system = f"yoron-sqlite @ {db.label}"
    with Yoron("yoron-sqlite", db.url).serve() as server:
        bench.measure(server, "scale-cached", system, db.read_load())
        memory = report.Memory.of(f"{system}, after the cached reads", server)
    with Yoron("yoron-sqlite", db.url, {"YORON_PAGE_CACHE_ENTRIES": "0"}).serve() as server:
        bench.measure(server, "scale-uncached", system, db.read_load())
    return memory


def bench_memory(bench: Bench, db: ScaleDb) -> report.Memory:
    """Mixed load on the big database, then the workers' resident memory."""
    system = f"yoron-sqlite @ {db.label}"
    with Yoron("yoron-sqlite", db.url).serve() as server:
        bench.measure(server, "scale-mixed", system, db.mixed_load())
        memory = report.Memory.of(f"{system}, after the mixed load", server)
    bench.log(f"memory after mixed load: {memory.summary()}")
    return memory


# --- the run -----------------------------------------------------------------------------------------


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 s per scenario and a 100k-comment scale test")
    parser.add_argument(
        "--no-isso", action="store_true", help="Skip Isso (ratios to Isso are then left out)."
    )
    parser.add_argument("--no-scale", action="store_true", help="Skip the database-size and memory part.")
    parser.add_argument(
        "--commit",
        metavar="REV",
        help="Benchmark yoron's src/ as committed at REV (exported with git archive) instead of the"
        " working tree, e.g. HEAD while someone is editing src/.",
    )
    return parser.parse_args()


def rerun_at_commit(revision: str) -> None:
    """Export src/ at ``revision`` and run this benchmark again with it first on the path."""
    src, label = export_src(revision)
    env = {**os.environ, "PYTHONPATH": str(src), AT_COMMIT: label}
    os.execve(sys.executable, [sys.executable, __file__, *sys.argv[1:]], env)


def run_systems(bench: Bench, skip_isso: bool) -> list[VoteCheck]:
    """yoron on each engine and setting, then Isso, then nginx: one at a time."""
    bench.log("building the corpus and rendering its Markdown with yoron.domain.text.render")
    corpus = bench_corpus()
    html = render_all(corpus.bodies)
    opened = opened_at_ms()
    sqlite = Yoron("yoron-sqlite", f"sqlite:///{WORK / 'yoron.db'}")
    pages, sqlite_check = bench_yoron(bench, sqlite, corpus, html, opened)
    variants = (
        (Yoron("yoron-sqlite 1 worker", f"sqlite:///{WORK / 'yoron-1w.db'}", workers=1), ("vote", "mixed")),
        (
            Yoron(
                "yoron-sqlite sync=NORMAL",
                f"sqlite:///{WORK / 'yoron-normal.db'}",
                {"YORON_SQLITE_SYNCHRONOUS": "NORMAL"},
            ),
            ("vote", "post"),
        ),
    )
    for variant, scenarios in variants:
        bench_yoron(bench, variant, corpus, html, opened, scenarios)
    postgres = Yoron("yoron-postgresql", pg_url("yoron_bench"))
    _pages, pg_check = bench_yoron(bench, postgres, corpus, html, opened)
    if not skip_isso:
        bench_isso(bench, corpus)
    bench_nginx(bench, pages)
    return [sqlite_check, pg_check]


def run_scale(bench: Bench) -> list[report.Memory]:
    plan = bench.plan
    large_label = "1M" if plan.scale_comments == 1_000_000 else f"{plan.scale_comments // 1000}k"
    small = generate_scale_db(bench, "scale-small", "10k", plan.small_comments, plan.small_threads)
    bench_scale_reads(bench, small)
    large = generate_scale_db(bench, "scale-large", large_label, plan.scale_comments, plan.scale_threads)
    after_reads = bench_scale_reads(bench, large)
    return [after_reads, bench_memory(bench, large)]


def main() -> None:
    args = parse_args()
    if args.commit and AT_COMMIT not in os.environ:
        rerun_at_commit(args.commit)
    bench = Bench(Plan.make(args.quick))
    start_revision = report.revision()
    signal.signal(signal.SIGTERM, _terminate)
    atexit.register(servers.stop_all)
    LOGS.mkdir(parents=True, exist_ok=True)
    TOKEN_FILE.unlink(missing_ok=True)
    try:
        ensure_debian_tools()
        if not args.no_isso:
            ensure_venv(ISSO_VENV, ISSO_PACKAGES)
        checks = run_systems(bench, args.no_isso)
        memory = [] if args.no_scale else run_scale(bench)
    except (KeyboardInterrupt, SystemExit):
        servers.stop_all()
        print("interrupted: every server this run started is stopped", file=sys.stderr)
        raise
    finally:
        servers.stop_all()
    elapsed = time.monotonic() - bench.started
    bench.log(f"measured in {elapsed / 60:.1f} min; writing the report")
    written = report.write(
        start_revision, bench.rows, checks, memory, bench.notes, bench.plan.describe(), elapsed
    )
    for path in written:
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
