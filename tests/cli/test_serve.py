"""The README's first command works: `yoron demo --serve` answers with a readable discussion."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import reset_pg

YORON = str(Path(sys.executable).parent / "yoron")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, deadline: float) -> httpx.Response:
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_demo_serves_a_discussion_on_sqlite(tmp_path: Path) -> None:
    _serve_demo(f"sqlite:///{tmp_path / 'demo.db'}")


def test_demo_serves_a_discussion_on_postgresql(pg_url: str) -> None:
    asyncio.run(reset_pg(pg_url))
    _serve_demo(pg_url)


def _serve_demo(url: str) -> None:
    port = _free_port()
    env = {**os.environ, "YORON_DATABASE_URL": url}
    server = subprocess.Popen(
        [YORON, "demo", "--comments", "60", "--serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 60)
        assert health.json() == {"status": "ok"}
        page = httpx.get(f"http://127.0.0.1:{port}/t/1", timeout=5)
        assert page.status_code == 200
        assert re.search(r"-?\d+ \( \+\d+ / -\d+ \)", page.text), "no tally on the page"
        assert "Old Harbour Bridge" in page.text
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
