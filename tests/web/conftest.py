"""Fixtures for the web tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import Clock, Inbox
from yoron.domain.accounts import GuestPolicy
from yoron.domain.model import SitePolicy
from yoron.jobs.mail import SmtpMailer
from yoron.services.context import Context
from yoron.services.sites import do_add_site
from yoron.settings import Settings
from yoron.storage.repositories import open_database
from yoron.web import create_app

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def mail_client(
    settings: Settings, smtp: tuple[Inbox, SmtpMailer]
) -> AsyncIterator[tuple[Client, Inbox]]:
    """The app sending email to a real SMTP server, with three sites: news (guests allowed),
    strict (sign-in required) and careful (guests premoderated)."""
    inbox, mailer = smtp
    port = mailer.config.port
    with_mail = msgspec.structs.replace(settings, smtp_host="127.0.0.1", smtp_port=port)
    database = await open_database(settings.database_url)
    try:
        ctx = Context(db=database, clock=Clock())
        await do_add_site(ctx, "news", "News", ["https://news.example"], SitePolicy())
        await do_add_site(
            ctx,
            "strict",
            "Strict",
            ["https://news.example"],
            SitePolicy(guest_policy=GuestPolicy.SIGN_IN_REQUIRED),
        )
        await do_add_site(
            ctx,
            "careful",
            "Careful",
            ["https://news.example"],
            SitePolicy(guest_policy=GuestPolicy.PREMODERATED),
        )
    finally:
        await database.close()
    async with AsyncTestClient(
        app=create_app(with_mail, prepared=True), base_url="http://testserver.local"
    ) as c:
        yield c, inbox
