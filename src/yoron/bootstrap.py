"""The composition root: settings in, adapters and the use-case context out."""

from __future__ import annotations

import asyncio
import concurrent.futures
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import msgspec

from yoron.jobs.mail import LogMailer, SmtpConfig, SmtpMailer
from yoron.services.accounts import AccountSettings
from yoron.services.context import Context, Limits
from yoron.services.events import LocalEvents
from yoron.services.pipeline import Pipeline
from yoron.services.ports import Mailer
from yoron.settings import Settings
from yoron.storage import migrate
from yoron.storage.ratelimit import LimitsRateLimiter
from yoron.storage.repositories import SqlDatabase, open_database

T = TypeVar("T")


def clock_ms() -> int:
    return time.time_ns() // 1_000_000


def limits_from(settings: Settings) -> Limits:
    return Limits(
        comment_max_length=settings.comment_max_length,
        author_name_max_length=settings.author_name_max_length,
        page_size_default=settings.page_size_default,
        page_size_max=settings.page_size_max,
        counts_max_keys=settings.counts_max_keys,
    )


async def open_db(settings: Settings, *, listen: bool = False) -> SqlDatabase:
    """The database; ``listen`` keeps thread versions current by notification (servers only)."""
    return await open_database(
        settings.database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pg_pool_min=settings.pg_pool_min,
        pg_pool_max=settings.pg_pool_max,
        listen=listen,
    )


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything a running yoron holds: built once per process, closed on shutdown."""

    settings: Settings
    ctx: Context
    db: SqlDatabase
    events: LocalEvents
    mailer: Mailer
    accounts: AccountSettings
    trusted_proxies: frozenset[str]


def rate_rules(settings: Settings) -> dict[str, str]:
    """The limits library's rules per action; a limit of 0 is no limit."""
    per_minute = {
        "vote": settings.votes_per_network_per_minute,
        "post_writer": settings.posts_per_writer_per_minute,
        "post_network": settings.posts_per_network_per_minute,
    }
    return {action: f"{count}/minute" for action, count in per_minute.items() if count > 0}


def mailer_from(settings: Settings) -> Mailer:
    if not settings.smtp_host:
        return LogMailer()
    return SmtpMailer(
        SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password,
            sender=settings.mail_from,
        )
    )


async def start(settings: Settings) -> Runtime:
    db = await open_db(settings, listen=True)
    events = LocalEvents()
    limiter = LimitsRateLimiter(rate_rules(settings), settings.rate_limit_storage)
    plugins = [path.strip() for path in settings.moderation_plugins.split(",") if path.strip()]
    ctx = Context(
        db=db,
        clock=clock_ms,
        events=events,
        limits=limits_from(settings),
        limiter=limiter,
        pipeline=Pipeline.with_plugins(plugins),
    )
    account_settings = AccountSettings(
        session_days=settings.session_days, email_link_minutes=settings.email_link_minutes
    )
    proxies = frozenset(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())
    return Runtime(settings, ctx, db, events, mailer_from(settings), account_settings, proxies)


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from sync code, even when a loop is already running."""

    async def main() -> T:
        return await make()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def prepare(settings: Settings, *, migrate_db: bool = True) -> Settings:
    """Migrate the database and fill in the instance secret; run once before serving."""
    if migrate_db:
        migrate.upgrade(settings.database_url)
    if settings.secret_key:
        return settings

    async def secret() -> str:
        db = await open_db(settings)
        try:
            return await db.instance_secret(secrets.token_urlsafe(32))
        finally:
            await db.close()

    return msgspec.structs.replace(settings, secret_key=run_sync(secret))
