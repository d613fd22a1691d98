"""Start and stop the servers under test, one at a time, always on 127.0.0.1.

Every server runs in its own process group, so stopping it ends its workers
too; a registry of live servers lets ``stop_all`` clean up after Ctrl-C, an
error or SIGTERM.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    probe_path: str

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def descendants(self) -> list[int]:
        """Pids of every process below the server's main process (its workers)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
        found: list[int] = []
        pending = [self.process.pid]
        while pending:
            pid = pending.pop()
            for child in children.get(pid, []):
                found.append(child)
                pending.append(child)
        return sorted(found)

    def settle(self, timeout: float = 120.0) -> None:
        """Wait until requests left queued by a finished load run are served.

        wrk closes its connections when its time is up, but a server may still hold their
        requests (gunicorn's sync workers serve every queued one): a probe queued behind
        them answers once they are done, so the next measurement starts on an idle server.
        """
        for _ in range(2):
            http_get(self.port, self.probe_path, timeout=timeout)

    def stop(self) -> None:
        """SIGTERM the server's process group, then SIGKILL it if it lingers."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except ProcessLookupError:
            pass


_LIVE: list[Server] = []


def stop_all() -> None:
    while _LIVE:
        _LIVE.pop().stop()


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait_ready(server: Server, ready_path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start; see {server.log}")
        try:
            status, _ = http_get(server.port, ready_path, timeout=2.0)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"{server.name} did not answer {ready_path} in {START_TIMEOUT_S:.0f} s; see {server.log}"
    )


@contextmanager
def running(
    name: str,
    command: Sequence[str],
    port: int,
    ready_path: str,
    log: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[Server]:
    """Run ``command`` until the block ends; ready once ``ready_path`` answers below 500."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            list(command),
            stdout=output,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    server = Server(name, process, port, log, ready_path)
    _LIVE.append(server)
    try:
        _wait_ready(server, ready_path)
        yield server
    finally:
        server.stop()
        if server in _LIVE:
            _LIVE.remove(server)


def http_request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection: status, lower-cased headers, body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()
