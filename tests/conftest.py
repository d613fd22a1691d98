"""Shared fixtures: a real database on each engine, a clock tests can move, factories."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.servers import free_port
from yoron.domain.model import SitePolicy
from yoron.jobs.mail import SmtpConfig, SmtpMailer
from yoron.services.context import Context, Limits
from yoron.services.sites import do_add_site
from yoron.settings import Settings, load_settings
from yoron.storage import migrate
from yoron.storage.repositories import SqlDatabase, open_database
from yoron.storage.schema import metadata
from yoron.web import create_app

PG_ADMIN_URL = os.environ.get("YORON_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ENGINES = ["sqlite", "postgresql"]


class Clock:
    """A clock the test controls, in Unix milliseconds."""

    def __init__(self, now: int = 1_790_000_000_000) -> None:
        self.now = now

    def __call__(self) -> int:
        self.now += 1
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += int(seconds * 1000)


async def _pg_available() -> bool:
    try:
        connection = await asyncpg.connect(PG_ADMIN_URL, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the session; skipped without a server unless CI is set."""
    if not asyncio.run(_pg_available()):
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and did not answer at {PG_ADMIN_URL}")
        pytest.skip("PostgreSQL is not running here")
    name = f"yoron_test_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    migrate.upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


TABLES = ", ".join(table.name for table in metadata.sorted_tables)


async def reset_pg(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "yoron.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    asyncio.run(reset_pg(url))
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[SqlDatabase]:
    database = await open_database(database_url)
    yield database
    await database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ctx(db: SqlDatabase, clock: Clock) -> Context:
    return Context(db=db, clock=clock, limits=Limits(comment_max_length=2000))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(environ={}, database_url=database_url, secret_key="test-secret")


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The whole app, in process, over a real database."""
    app = create_app(settings, prepared=True)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
async def site_key(settings: Settings) -> str:
    """Create the site 'news' (origin https://news.example) and return its API key."""
    database = await open_database(settings.database_url)
    try:
        _site, key = await do_add_site(
            Context(db=database, clock=Clock()), "news", "News", ["https://news.example"], SitePolicy()
        )
    finally:
        await database.close()
    return key


class Inbox:
    """Messages a real SMTP server (aiosmtpd) received during a test."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))  # type: ignore[arg-type]
        return "250 OK"

    def link(self, path: str) -> str:
        """The token of the newest emailed link to ``path``."""
        for message in reversed(self.messages):
            body = message.get_body(preferencelist=("plain",))
            match = re.search(rf"{re.escape(path)}\?token=([\w-]+)", body.get_content() if body else "")
            if match:
                return match.group(1)
        raise AssertionError(f"no email with a link to {path}")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, SmtpMailer]]:
    """A real SMTP server on loopback and a mailer that talks to it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, SmtpMailer(SmtpConfig(host="127.0.0.1", port=port))
    finally:
        controller.stop()
