"""Migrations build exactly the schema the code declares, and step down and up again cleanly."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from yoron.storage import migrate
from yoron.storage.schema import metadata


def _diff(connection: sa.Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def _differences(database_url: str) -> list[object]:
    url = migrate.sqlalchemy_url(database_url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            found = _diff(connection)
        engine.dispose()
        return found
    async_engine = create_async_engine(url)
    async with async_engine.connect() as connection:
        found = await connection.run_sync(_diff)
    await async_engine.dispose()
    return found


async def test_head_matches_the_declared_schema(database_url: str) -> None:
    assert await _differences(database_url) == []


def test_downgrade_to_base_and_back(database_url: str) -> None:
    migrate.downgrade(database_url, "base")
    migrate.upgrade(database_url)
