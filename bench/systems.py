"""The systems under test: how each is installed, seeded and served.

- yoron on SQLite or PostgreSQL, with its production settings for this machine
  (two granian workers, synchronous=FULL so an acknowledged write is durable);
- Isso 0.14.0 under gunicorn, two sync workers, as its docs recommend;
- nginx serving yoron's own response bytes from files, the ceiling for reads.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from corpus import Corpus, isso_payload
from generate import reset_database
from yoron_seed import Seeded, add_bench_site, load, open_sink

from servers import HOST, Server, free_port, running

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
WORK = BENCH / "work"
LOGS = WORK / "logs"
YORON = Path(sys.executable).with_name("yoron")

ISSO_VENV = WORK / "isso-venv"
# gunicorn is pinned: 27.x lingers on every closed connection (util.close_graceful), which
# halves Isso's throughput under wrk; 23.0.0 is the release most deployments run.
ISSO_PACKAGES = ("isso==0.14.0", "gunicorn==23.0.0")
PLOT_VENV = WORK / "plot-venv"
PLOT_PACKAGES = ("matplotlib==3.11.2",)

# A fixed secret, as a production deployment sets one: device tokens minted once are
# then valid on every yoron instance of the run, whatever database it uses.
BENCH_SECRET = "bench-secret-not-for-production-0123456789abcdef"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432"


def ensure_venv(path: Path, packages: Sequence[str]) -> Path:
    """A venv at ``path`` with exactly ``packages`` pinned; created or updated when needed."""
    marker = path / "bench-packages.txt"
    wanted = "\n".join(packages)
    python = path / "bin" / "python"
    if marker.exists() and marker.read_text() == wanted and python.exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run([str(path / "bin" / "pip"), "install", "-q", *packages], check=True)
    marker.write_text(wanted)
    return python


AT_COMMIT = "BENCH_AT_COMMIT"  # set when the run uses an exported src/, names its commit


def export_src(revision: str) -> tuple[Path, str]:
    """yoron's src/ as committed at ``revision``, under bench/work/ (git archive: read-only)."""
    git = ["git", "--no-optional-locks", "-C", str(PROJECT)]
    commit = subprocess.run(
        [*git, "rev-parse", "--verify", f"{revision}^{{commit}}"], capture_output=True, text=True, check=True
    ).stdout.strip()
    target = WORK / "src-at" / commit[:12]
    if not (target / "src" / "yoron").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run([*git, "archive", commit, "src"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    subject = subprocess.run(
        [*git, "log", "-1", "--format=%h %s", commit], capture_output=True, text=True, check=True
    ).stdout.strip()
    return target / "src", subject


def ensure_debian_tools() -> None:
    """wrk and nginx come from Debian; install them if missing (as root)."""
    missing = [
        tool
        for tool in ("wrk", "nginx")
        if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists()
    ]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"missing {', '.join(missing)}: run `apt-get install -y {' '.join(missing)}`")
    subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, timeout=600)


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Yoron:
    """yoron on one database, served by ``yoron serve --workers 2``."""

    name: str
    database_url: str
    overrides: Mapping[str, str] = field(default_factory=dict)
    workers: int = 2

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "YORON_DATABASE_URL": self.database_url,
            "YORON_SECRET_KEY": BENCH_SECRET,
            **self.overrides,
        }

    def seed(self, corpus: Corpus, html: Sequence[str], opened: int) -> dict[str, Seeded]:
        """An empty database with the bench site and the corpus's threads, loaded by bulk insert."""
        reset_database(self.database_url)
        add_bench_site(self.env())

        async def run() -> dict[str, Seeded]:
            sink = await open_sink(self.database_url)
            return await load(sink, [corpus.threads], corpus.bodies, html, opened)

        return asyncio.run(run())

    @contextmanager
    def serve(self) -> Iterator[Server]:
        port = free_port()
        command = [str(YORON), "serve", "--host", HOST, "--port", str(port), "--workers", str(self.workers)]
        log = LOGS / f"{self.name}.log"
        with running(self.name, command, port, "/healthz", log, env=self.env(), cwd=PROJECT) as server:
            yield server


@dataclass(frozen=True, slots=True)
class IssoThread:
    uri: str
    first_comment_id: int
    size: int


@dataclass
class Isso:
    """Isso 0.14.0 in its own venv: gunicorn, 2 sync workers, --preload, guard and moderation off."""

    name: str = "isso"
    port: int = field(default_factory=free_port)

    @property
    def config_path(self) -> Path:
        return WORK / "isso.cfg"

    @property
    def db_path(self) -> Path:
        return WORK / "isso.db"

    def write_config(self) -> None:
        self.config_path.write_text(
            "[general]\n"
            f"dbpath = {self.db_path}\n"
            f"host = http://{HOST}:{self.port}/\n"
            "[moderation]\nenabled = false\n"
            "[guard]\nenabled = false\n"
            "[server]\n"
            f"listen = http://{HOST}:{self.port}/\n"
            # wrk's requests all come from 127.0.0.1; Isso tells voters apart by address,
            # so the vote script sends distinct X-Forwarded-For addresses through this trusted proxy.
            f"trusted-proxies = {HOST}\n"
        )

    def seed(self, corpus: Corpus) -> dict[str, IssoThread]:
        python = ensure_venv(ISSO_VENV, ISSO_PACKAGES)
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.db_path) + suffix).unlink(missing_ok=True)
        self.write_config()
        payload = WORK / "corpus-isso.json"
        payload.write_text(json.dumps(isso_payload(corpus)))
        done = subprocess.run(
            [str(python), str(BENCH / "isso_seed.py"), str(self.config_path), str(payload)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        ids = json.loads(done.stdout.strip().splitlines()[-1])
        sizes = {"/" + thread.key: len(thread.comments) for thread in corpus.threads}
        return {uri: IssoThread(uri, row["first_comment_id"], sizes[uri]) for uri, row in ids.items()}

    @contextmanager
    def serve(self) -> Iterator[Server]:
        gunicorn = ISSO_VENV / "bin" / "gunicorn"
        command = [str(gunicorn), "-b", f"{HOST}:{self.port}", "-w", "2", "--preload", "isso.run"]
        env = {**os.environ, "ISSO_SETTINGS": str(self.config_path)}
        with running(self.name, command, self.port, "/info", LOGS / "isso.log", env=env, cwd=WORK) as server:
            yield server


@dataclass
class Nginx:
    """nginx with 2 worker processes, serving files of exactly yoron's response bytes."""

    files: Mapping[str, bytes]
    name: str = "nginx"
    root: Path = WORK / "nginx"

    def write(self, port: int) -> Path:
        static = self.root / "static"
        static.mkdir(parents=True, exist_ok=True)
        for name, body in self.files.items():
            (static / name).write_bytes(body)
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.root / "tmp" / temp).mkdir(parents=True, exist_ok=True)
        config = self.root / "nginx.conf"
        config.write_text(
            f"""worker_processes 2;
daemon off;
pid {self.root}/nginx.pid;
error_log {LOGS}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    client_body_temp_path {self.root}/tmp/body;
    proxy_temp_path {self.root}/tmp/proxy;
    fastcgi_temp_path {self.root}/tmp/fastcgi;
    uwsgi_temp_path {self.root}/tmp/uwsgi;
    scgi_temp_path {self.root}/tmp/scgi;
    types {{ application/json json; }}
    default_type application/json;
    server {{
        listen {HOST}:{port};
        root {static};
        location / {{ add_header Cache-Control "public, max-age=1"; }}
    }}
}}
"""
        )
        return config

    @contextmanager
    def serve(self) -> Iterator[Server]:
        port = free_port()
        config = self.write(port)
        command = [
            nginx_binary(),
            "-p",
            str(self.root),
            "-e",
            str(LOGS / "nginx-error.log"),
            "-c",
            str(config),
        ]
        first = next(iter(self.files))
        with running(self.name, command, port, f"/{first}", LOGS / "nginx.log") as server:
            yield server


def pg_url(database: str) -> str:
    return f"{PG_ADMIN}/{database}"
