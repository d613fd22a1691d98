"""Apply Alembic migrations to the configured database (``yoron migrate``)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def sqlalchemy_url(database_url: str) -> str:
    """The SQLAlchemy form of a yoron database URL (PostgreSQL goes through asyncpg)."""
    for prefix in ("postgresql://", "postgres://", "postgresql+asyncpg://"):
        if database_url.startswith(prefix):
            return "postgresql+asyncpg://" + database_url[len(prefix) :]
    if database_url.startswith("sqlite:///"):
        return database_url
    raise ValueError("database_url must start with sqlite:/// or postgresql://")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["sqlalchemy_url"] = sqlalchemy_url(database_url)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to ``revision``; safe to call on every start."""
    _outside_event_loop(lambda: command.upgrade(alembic_config(database_url), revision))


def downgrade(database_url: str, revision: str) -> None:
    _outside_event_loop(lambda: command.downgrade(alembic_config(database_url), revision))


def _outside_event_loop(action: object) -> None:
    """Alembic's PostgreSQL path runs its own event loop; never nest it in a running one."""
    assert callable(action)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        action()
        return
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(action).result()
