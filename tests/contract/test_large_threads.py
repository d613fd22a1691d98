"""A 10,000-comment thread pages smoothly in every sort: each listing walks its index, no sort step."""

from __future__ import annotations

import pytest

from tests.factories import make_comment, make_site, make_thread
from yoron.domain.model import Display, Sort
from yoron.services import listing
from yoron.services.context import Context, Limits
from yoron.storage import queries
from yoron.storage.repositories import FIRST_PAGE, SqlDatabase
from yoron.storage.sql import Statement

SIZE = 10_000
_COLUMNS = (
    "thread_id, parent_id, root_id, depth, owner, author_name, name_key, body, html, state, listed,"
    " up, down, score, best, controversy, created_at"
)
_VALUES = (
    "{thread}, CASE WHEN i % 4 = 0 THEN {root} END, CASE WHEN i % 4 = 0 THEN {root} END,"
    " CASE WHEN i % 4 = 0 THEN 1 ELSE 0 END, 'seed', 'Seed', 'seed', 'x', '<p>x</p>', 'published', 1,"
    " i % 17, i % 5, (i % 17) - (i % 5), (i % 17) / ((i % 17) + (i % 5) + 1.0),"
    " CASE WHEN i % 5 < i % 17 THEN i % 5 ELSE i % 17 END, {start} + i"
)


def _bulk_insert(thread: int, root: int, start: int) -> Statement:
    values = _VALUES.format(thread=thread, root=root, start=start)
    return Statement(
        sql=(
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {SIZE - 1})"
            f" INSERT INTO comments ({_COLUMNS}) SELECT {values} FROM n"
        ),
        postgresql=f"INSERT INTO comments ({_COLUMNS}) SELECT {values} FROM generate_series(1, {SIZE - 1}) i",
    )


async def _seed(ctx: Context, db: SqlDatabase) -> int:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    root = await make_comment(ctx, thread, "the root everyone answers")
    async with db.driver.write() as session:
        await session.run(_bulk_insert(thread.id, root.id, ctx.clock()))
        await session.run(Statement("ANALYZE"))
    return thread.id


def _plan_text(rows: list[object], dialect: str) -> str:
    column = 3 if dialect == "sqlite" else 0
    return "\n".join(str(row[column]) for row in rows)  # type: ignore[index]


@pytest.fixture
async def big_thread(ctx: Context, db: SqlDatabase) -> int:
    return await _seed(ctx, db)


async def test_every_listing_uses_its_index_without_sorting(db: SqlDatabase, big_thread: int) -> None:
    for (sort, display), statement in queries.LISTINGS.items():
        explain = Statement("EXPLAIN QUERY PLAN " + statement.sql, postgresql="EXPLAIN " + statement.sql)
        key, after_id = FIRST_PAGE[sort]
        async with db.driver.read() as session:
            rows = await session.all(explain, thread_id=big_thread, key=key, after_id=after_id, limit=51)
        plan = _plan_text(rows, db.dialect)
        lane = "root" if display is Display.NESTED else "flat"
        column = queries.SORT_COLUMNS[sort][0]
        index = f"ix_comments_{lane}_{'time' if column == 'created_at' else column}"
        assert index in plan, f"{sort}/{display} does not use {index}:\n{plan}"
        assert "TEMP B-TREE" not in plan and "Sort " not in plan and "Sort\n" not in plan, plan


@pytest.mark.parametrize("sort", list(Sort))
async def test_walking_ten_thousand_comments_sees_each_once(
    ctx: Context, big_thread: int, sort: Sort
) -> None:
    wide = Context(db=ctx.db, clock=ctx.clock, limits=Limits(page_size_max=200))
    seen: list[int] = []
    cursor = None
    while True:
        page = await listing.list_comments(wide, big_thread, sort=sort.value, cursor=cursor, limit=200)
        seen += [item.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == SIZE and len(set(seen)) == SIZE
