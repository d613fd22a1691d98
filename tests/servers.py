"""Run a real `yoron serve` in a subprocess for tests that need a live server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

YORON = str(Path(sys.executable).parent / "yoron")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def yoron(args: Sequence[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "YORON_DATABASE_URL": database_url}
    return subprocess.run([YORON, *args], env=env, capture_output=True, text=True, timeout=120, check=True)


@contextmanager
def running_yoron(database_url: str, *args: str, workers: int = 1) -> Iterator[str]:
    """Serve yoron (or ``yoron demo --serve`` when ``args`` say so) and yield its base URL."""
    port = free_port()
    command = [*args] if args else ["serve", "--workers", str(workers)]
    env = {**os.environ, "YORON_DATABASE_URL": database_url}
    log_path = os.environ.get("YORON_TEST_SERVER_LOG")
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [YORON, *command, "--port", str(port)],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        if log_path:
            log.close()  # type: ignore[union-attr]
