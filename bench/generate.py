"""Fill a yoron database with many comments across many threads, by bulk insert.

    .venv/bin/python bench/generate.py --database-url sqlite:///bench/work/big.db \\
        --comments 1000000 --threads 10000

Every thread gets the same number of comments; thread ``i`` is built from
seed ``i``, so the first threads of a small database and of a large one are
identical, which is what lets the benchmark compare reads at different sizes.
Bodies come from a pool rendered once, so a million comments take minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import PooledBodies, SeedThread, build_thread
from yoron_seed import Seeded, add_bench_site, load, open_sink, render_all

BATCH_THREADS = 200
BODY_POOL = 2_000


def article_threads(threads: int, per_thread: int, bodies: PooledBodies) -> Iterator[list[SeedThread]]:
    """Batches of generated threads, ``article-00000`` onwards."""
    batch: list[SeedThread] = []
    for index in range(threads):
        key = f"article-{index:05d}"
        batch.append(build_thread(key, f"Article {index}", per_thread, seed=index, pick_body=bodies))
        if len(batch) == BATCH_THREADS:
            yield batch
            batch = []
    if batch:
        yield batch


def reset_database(database_url: str) -> None:
    """Start from an empty database: delete the SQLite file, or drop and recreate the PostgreSQL one."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.split(":///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    asyncio.run(_recreate_pg(database_url))


async def _recreate_pg(database_url: str) -> None:
    import asyncpg

    base, name = database_url.rsplit("/", 1)
    admin = await asyncpg.connect(base + "/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def generate(database_url: str, comments: int, threads: int) -> dict[str, Seeded]:
    """Start an empty database with the bench site and ``threads`` threads of ``comments`` in all."""
    reset_database(database_url)
    add_bench_site({**os.environ, "YORON_DATABASE_URL": database_url})
    bodies = PooledBodies(BODY_POOL)
    html = render_all(bodies.bodies)
    per_thread = max(1, comments // threads)

    async def run() -> dict[str, Seeded]:
        sink = await open_sink(database_url)
        return await load(sink, article_threads(threads, per_thread, bodies), bodies.bodies, html)

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///path or postgresql://...")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=10_000)
    args = parser.parse_args()
    started = time.monotonic()
    ids = generate(args.database_url, args.comments, args.threads)
    elapsed = time.monotonic() - started
    print(f"{len(ids)} threads, {args.comments:,} comments in {elapsed:.1f} s ({args.database_url})")


if __name__ == "__main__":
    main()
