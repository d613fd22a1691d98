"""Local accounts over real SMTP: sign up, verify, sign in and out, reset, roles."""

from __future__ import annotations

import pytest

from tests.conftest import Clock, Inbox
from tests.factories import make_site
from yoron.domain.accounts import Role
from yoron.domain.errors import Conflict, Forbidden, Invalid
from yoron.jobs.mail import SmtpMailer
from yoron.services import accounts
from yoron.services.accounts import AccountSettings
from yoron.services.context import Context

SETTINGS = AccountSettings(session_days=1, email_link_minutes=30)
BASE = "https://comments.news.example"
PASSWORD = "correct horse battery"


async def _sign_up(ctx: Context, mailer: SmtpMailer, **fields: str) -> object:
    values = {"email": "ann@Example.ORG", "display_name": "Ann Reader", "password": PASSWORD}
    values.update(fields)
    return await accounts.do_sign_up(ctx, mailer, SETTINGS, "news", link_base=BASE, **values)  # type: ignore[arg-type]


async def test_sign_up_verify_sign_in_sign_out(ctx: Context, smtp: tuple[Inbox, SmtpMailer]) -> None:
    inbox, mailer = smtp
    await make_site(ctx)
    user = await _sign_up(ctx, mailer)
    assert not user.email_verified and user.email == "ann@example.org"  # type: ignore[attr-defined]
    message = inbox.messages[-1]
    assert message["To"] == "ann@example.org" and "Confirm your email" in message["Subject"]
    verified = await accounts.do_verify_email(ctx, inbox.link("/auth/verify"))
    assert verified.email_verified
    with pytest.raises(Invalid):
        await accounts.do_verify_email(ctx, inbox.link("/auth/verify"))  # single use

    signed_in, token = await accounts.do_sign_in(ctx, SETTINGS, "news", "ANN@example.org", PASSWORD)
    assert (await accounts.access_session(ctx, token)) == signed_in
    await accounts.do_sign_out(ctx, token)
    assert await accounts.access_session(ctx, token) is None


async def test_wrong_passwords_and_unknown_emails_look_the_same(
    ctx: Context, smtp: tuple[Inbox, SmtpMailer]
) -> None:
    _inbox, mailer = smtp
    await make_site(ctx)
    await _sign_up(ctx, mailer)
    for email, password in (("ann@example.org", "wrong password!"), ("nobody@example.org", "whatever123")):
        with pytest.raises(Forbidden) as caught:
            await accounts.do_sign_in(ctx, SETTINGS, "news", email, password)
        assert caught.value.code == "sign_in_failed"


async def test_duplicates_and_bad_input_are_refused(ctx: Context, smtp: tuple[Inbox, SmtpMailer]) -> None:
    _inbox, mailer = smtp
    await make_site(ctx)
    await _sign_up(ctx, mailer)
    with pytest.raises(Conflict) as caught:
        await _sign_up(ctx, mailer, email="other@example.org", display_name="ann_reader")
    assert caught.value.code == "display_name_taken"
    with pytest.raises(Conflict):
        await _sign_up(ctx, mailer, display_name="Someone Else")
    for fields in ({"email": "not-an-email"}, {"password": "short"}, {"display_name": "Moderator"}):
        with pytest.raises(Invalid):
            await _sign_up(ctx, mailer, **{"email": "new@example.org", "display_name": "New One", **fields})


async def test_sessions_expire_and_sign_out_everywhere(
    ctx: Context, clock: Clock, smtp: tuple[Inbox, SmtpMailer]
) -> None:
    _inbox, mailer = smtp
    await make_site(ctx)
    await _sign_up(ctx, mailer)
    user, first = await accounts.do_sign_in(ctx, SETTINGS, "news", "ann@example.org", PASSWORD)
    _user, second = await accounts.do_sign_in(ctx, SETTINGS, "news", "ann@example.org", PASSWORD)
    await accounts.do_sign_out_everywhere(ctx, user)
    assert await accounts.access_session(ctx, first) is None
    assert await accounts.access_session(ctx, second) is None
    _user, third = await accounts.do_sign_in(ctx, SETTINGS, "news", "ann@example.org", PASSWORD)
    clock.advance(86_401)
    assert await accounts.access_session(ctx, third) is None


async def test_password_reset_by_email_closes_sessions(
    ctx: Context, clock: Clock, smtp: tuple[Inbox, SmtpMailer]
) -> None:
    inbox, mailer = smtp
    await make_site(ctx)
    await _sign_up(ctx, mailer)
    _user, session = await accounts.do_sign_in(ctx, SETTINGS, "news", "ann@example.org", PASSWORD)
    await accounts.do_request_password_reset(ctx, mailer, SETTINGS, "news", "nobody@example.org", BASE)
    sent = len(inbox.messages)
    await accounts.do_request_password_reset(ctx, mailer, SETTINGS, "news", "ann@example.org", BASE)
    assert len(inbox.messages) == sent + 1
    token = inbox.link("/auth/reset")
    await accounts.do_reset_password(ctx, token, "a brand new passphrase")
    assert await accounts.access_session(ctx, session) is None
    with pytest.raises(Invalid):
        await accounts.do_reset_password(ctx, token, "another passphrase!")
    await accounts.do_sign_in(ctx, SETTINGS, "news", "ann@example.org", "a brand new passphrase")
    await accounts.do_request_password_reset(ctx, mailer, SETTINGS, "news", "ann@example.org", BASE)
    clock.advance(31 * 60)
    with pytest.raises(Invalid):
        await accounts.do_reset_password(ctx, inbox.link("/auth/reset"), "too late for this")


async def test_operator_and_roles(ctx: Context) -> None:
    await make_site(ctx)
    operator = await accounts.do_add_user(ctx, None, "ops@example.org", "Night Ops", PASSWORD, Role.OPERATOR)
    assert operator.role is Role.OPERATOR and operator.site_id is None and operator.email_verified
    member = await accounts.do_add_user(ctx, "news", "ed@example.org", "Edda Moss", PASSWORD, Role.READER)
    promoted = await accounts.do_set_role(ctx, "news", "ed@example.org", Role.MODERATOR)
    assert promoted.id == member.id and promoted.role is Role.MODERATOR
    with pytest.raises(Invalid):
        await accounts.do_add_user(ctx, "news", "x@example.org", "X Person", "password123", Role.OPERATOR)
    with pytest.raises(Invalid):
        await accounts.do_set_role(ctx, "news", "ed@example.org", Role.OPERATOR)
