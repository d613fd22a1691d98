"""The yoron command against a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yoron.cli import app
from yoron.services import listing
from yoron.services.context import Context
from yoron.storage.repositories import open_database

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"YORON_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def test_site_add_list_and_set(env: dict[str, str]) -> None:
    added = runner.invoke(
        app, ["site", "add", "news", "--name", "News", "--origin", "https://news.example"], env=env
    )
    assert added.exit_code == 0, added.output
    assert "API key" in added.output
    again = runner.invoke(app, ["site", "add", "news"], env=env)
    assert again.exit_code == 1 and "exists already" in again.output
    bad = runner.invoke(app, ["site", "add", "Bad Slug!"], env=env)
    assert bad.exit_code == 1
    changed = runner.invoke(app, ["site", "set", "news", "--display", "flat", "--edit-window", "60"], env=env)
    assert changed.exit_code == 0, changed.output
    listed = runner.invoke(app, ["site", "list"], env=env)
    assert "news" in listed.output and "flat" in listed.output and "60s" in listed.output


def test_demo_builds_a_lively_thread_once(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["demo", "--comments", "120"], env=env)
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/t/1" in result.output
    again = runner.invoke(app, ["demo"], env=env)
    assert "already there" in again.output

    async def inspect() -> list[object]:
        db = await open_database(env["YORON_DATABASE_URL"])
        try:
            page = await listing.list_comments(
                Context(db=db, clock=lambda: 0), 1, sort="top", cursor=None, limit=200
            )
            return list(page.items)
        finally:
            await db.close()

    items = asyncio.run(inspect())
    assert len(items) > 100
    assert any(c.parent_id for c in items), "the demo has replies"  # type: ignore[attr-defined]
    assert any(c.quote and c.quote.verified for c in items)  # type: ignore[attr-defined]
    assert any(c.quote and not c.quote.verified for c in items)  # type: ignore[attr-defined]
    assert any(c.down and c.up for c in items)  # type: ignore[attr-defined]


def test_migrate_and_bad_settings(env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, ["migrate"], env=env).exit_code == 0
    bad = runner.invoke(app, ["migrate"], env={"YORON_PAGE_SIZE_MAX": "lots"})
    assert bad.exit_code == 2 and "invalid setting" in bad.output


def test_thread_state(env: dict[str, str]) -> None:
    runner.invoke(app, ["demo", "--comments", "5"], env=env)
    closed = runner.invoke(app, ["thread", "state", "1", "closed"], env=env)
    assert closed.exit_code == 0 and "is now closed" in closed.output
    missing = runner.invoke(app, ["thread", "state", "99", "closed"], env=env)
    assert missing.exit_code == 1 and "no such thread" in missing.output
    bad = runner.invoke(app, ["thread", "state", "1", "melted"], env=env)
    assert bad.exit_code == 2


def test_user_add_and_role(env: dict[str, str]) -> None:
    runner.invoke(app, ["site", "add", "news"], env=env)
    added = runner.invoke(
        app,
        ["user", "add", "ed@news.example", "--name", "Edda Moss", "--site", "news", "--role", "admin"],
        input="a long enough password\na long enough password\n",
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert "admin Edda Moss created" in added.output
    operator = runner.invoke(
        app,
        ["user", "add", "ops@example.org", "--name", "Night Ops", "--operator"],
        input="p" * 12 + "\n" + "p" * 12 + "\n",
        env=env,
    )
    assert operator.exit_code == 0 and "operator" in operator.output
    short = runner.invoke(
        app,
        ["user", "add", "x@example.org", "--name", "Xavier", "--site", "news"],
        input="short\nshort\n",
        env=env,
    )
    assert short.exit_code == 1 and "10 to 256" in short.output
    changed = runner.invoke(app, ["user", "role", "news", "ed@news.example", "moderator"], env=env)
    assert changed.exit_code == 0 and "is now moderator" in changed.output
    missing = runner.invoke(app, ["user", "role", "news", "who@example.org", "moderator"], env=env)
    assert missing.exit_code == 1
