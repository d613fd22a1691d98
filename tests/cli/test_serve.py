"""The README's first command works: `yoron demo --serve` answers with a readable discussion."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx

from tests.conftest import reset_pg
from tests.servers import running_yoron


def _check_demo(database_url: str) -> None:
    with running_yoron(database_url, "demo", "--comments", "60", "--serve") as base:
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        page = httpx.get(f"{base}/t/1", timeout=5)
        assert page.status_code == 200
        assert re.search(r"-?\d+ \( \+\d+ / -\d+ \)", page.text), "no tally on the page"
        assert "Old Harbour Bridge" in page.text


def test_demo_serves_a_discussion_on_sqlite(tmp_path: Path) -> None:
    _check_demo(f"sqlite:///{tmp_path / 'demo.db'}")


def test_demo_serves_a_discussion_on_postgresql(pg_url: str) -> None:
    asyncio.run(reset_pg(pg_url))
    _check_demo(pg_url)
