"""Local accounts: sign up, verify the email, sign in and out, reset a forgotten password."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from yoron.domain.accounts import NewUser, Role, User, UserStatus
from yoron.domain.errors import Conflict, Forbidden, Invalid, NotFound
from yoron.domain.names import check_display_name, name_key
from yoron.services.context import Context
from yoron.services.ports import Mailer, Tx
from yoron.services.sites import access_site

PASSWORD_MIN = 10
PASSWORD_MAX = 256
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def _link_invalid() -> Invalid:
    return Invalid("link_invalid", "This link is not valid: it was used already or has expired.", "token")


VERIFY = "verify"
RESET = "reset"
_HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
# Compared against when no account matches, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("yoron: no such account")


@dataclass(frozen=True, slots=True)
class AccountSettings:
    session_days: int = 30
    email_link_minutes: int = 60


def hash_token(token: str) -> str:
    """Only hashes of session and email tokens are stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_email(email: str) -> str:
    email = email.strip()
    if len(email) > 320 or not EMAIL.match(email):
        raise Invalid("email_invalid", "That does not look like an email address.", "email")
    # Mail providers treat the local part case-insensitively; people type it both ways.
    return email.lower()


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise Invalid(
            "password_length", f"A password is {PASSWORD_MIN} to {PASSWORD_MAX} characters.", "password"
        )
    return password


async def hash_password(password: str) -> str:
    # argon2 is deliberately slow; off the event loop it stalls no other reader.
    return await asyncio.to_thread(_HASHER.hash, password)


async def password_matches(stored: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _HASHER.verify(stored or _DUMMY_HASH, password) and bool(stored)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


async def _check_name_free(tx: Tx, site_id: int | None, display_name: str, site_name: str) -> str:
    name = check_display_name(display_name, also_reserved=frozenset({site_name}))
    if await tx.users.by_name_key(site_id, name_key(name)) is not None:
        raise Conflict(
            "display_name_taken", f"Someone on this site is already called {name!r}.", "display_name"
        )
    return name


async def _issue_email_token(ctx: Context, tx: Tx, user: User, purpose: str, minutes: int) -> str:
    token = secrets.token_urlsafe(32)
    await tx.users.add_email_token(hash_token(token), user.id, purpose, ctx.clock() + minutes * 60_000)
    return token


async def do_sign_up(
    ctx: Context,
    mailer: Mailer,
    settings: AccountSettings,
    site_slug: str,
    *,
    email: str,
    display_name: str,
    password: str,
    link_base: str,
) -> User:
    """Create a reader account and email a link that verifies the address."""
    email = check_email(email)
    password = check_password(password)
    password_hash = await hash_password(password)
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        name = await _check_name_free(tx, site.id, display_name, site.name)
        if await tx.users.by_email(site.id, email) is not None:
            raise Conflict("email_taken", "An account with this email exists; sign in instead.", "email")
        user = await tx.users.add(
            NewUser(site.id, email, password_hash, name, name_key(name), Role.READER, ctx.clock())
        )
        token = await _issue_email_token(ctx, tx, user, VERIFY, settings.email_link_minutes)
    await mailer.send(
        email,
        f"Confirm your email for {site.name}",
        f"Hello {name},\n\nconfirm your email address to comment on {site.name}:\n\n"
        f"{link_base}/auth/verify?token={token}\n\n"
        f"The link works once, for {settings.email_link_minutes} minutes. "
        "If you did not sign up, ignore this message.\n",
    )
    return user


async def do_verify_email(ctx: Context, token: str) -> User:
    async with ctx.db.write() as tx:
        user_id = await tx.users.use_email_token(hash_token(token), VERIFY, ctx.clock())
        if user_id is None:
            raise _link_invalid()
        await tx.users.mark_verified(user_id, ctx.clock())
        user = await tx.users.by_id(user_id)
    assert user is not None
    return user


async def do_sign_in(
    ctx: Context, settings: AccountSettings, site_slug: str | None, email: str, password: str
) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the session token."""
    refused = Forbidden("sign_in_failed", "The email or the password is not right.", None)
    try:
        email = check_email(email)
    except Invalid:
        raise refused from None
    async with ctx.db.read() as tx:
        site_id = (await access_site(tx, site_slug)).id if site_slug else None
        found = await tx.users.by_email(site_id, email)
    user, stored = found if found else (None, "")
    if not await password_matches(stored, password) or user is None:
        raise refused
    if user.status is UserStatus.BANNED:
        raise Forbidden("banned", "This account is banned.", None)
    return user, await open_session(ctx, settings, user)


async def open_session(ctx: Context, settings: AccountSettings, user: User) -> str:
    """A new session for ``user``; returns its token (stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    now = ctx.clock()
    async with ctx.db.write() as tx:
        await tx.users.add_session(hash_token(token), user.id, now, now + settings.session_days * 86_400_000)
    return token


async def access_session(ctx: Context, token: str | None) -> User | None:
    """The signed-in user a session token stands for, if it is valid and unexpired."""
    if not token or len(token) > 100:
        return None
    async with ctx.db.read() as tx:
        return await tx.users.session_user(hash_token(token), ctx.clock())


async def do_sign_out(ctx: Context, token: str) -> None:
    async with ctx.db.write() as tx:
        await tx.users.drop_session(hash_token(token))


async def do_sign_out_everywhere(ctx: Context, user: User) -> None:
    async with ctx.db.write() as tx:
        await tx.users.drop_sessions(user.id)


async def do_request_password_reset(
    ctx: Context, mailer: Mailer, settings: AccountSettings, site_slug: str, email: str, link_base: str
) -> None:
    """Email a reset link if the account exists; the answer is the same either way."""
    try:
        email = check_email(email)
    except Invalid:
        return
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        found = await tx.users.by_email(site.id, email)
        if found is None:
            return
        token = await _issue_email_token(ctx, tx, found[0], RESET, settings.email_link_minutes)
    await mailer.send(
        email,
        f"Reset your password for {site.name}",
        f"Someone asked to reset the password of your account on {site.name}.\n\n"
        f"{link_base}/auth/reset?token={token}\n\n"
        f"The link works once, for {settings.email_link_minutes} minutes. "
        "If it was not you, ignore this message; your password stays as it is.\n",
    )


async def do_reset_password(ctx: Context, token: str, password: str) -> User:
    """Set a new password from an emailed link; every open session is closed."""
    password_hash = await hash_password(check_password(password))
    async with ctx.db.write() as tx:
        user_id = await tx.users.use_email_token(hash_token(token), RESET, ctx.clock())
        if user_id is None:
            raise _link_invalid()
        await tx.users.set_password(user_id, password_hash)
        await tx.users.drop_sessions(user_id)
        await tx.users.mark_verified(user_id, ctx.clock())
        user = await tx.users.by_id(user_id)
    assert user is not None
    return user


async def do_add_user(
    ctx: Context, site_slug: str | None, email: str, display_name: str, password: str, role: Role
) -> User:
    """An account created by the operator: verified at once, with the role given."""
    if (site_slug is None) != (role is Role.OPERATOR):
        raise Invalid("role_invalid", "Operators belong to no site; every other role to one.", "role")
    email = check_email(email)
    password_hash = await hash_password(check_password(password))
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug) if site_slug else None
        site_id = site.id if site else None
        name = await _check_name_free(tx, site_id, display_name, site.name if site else "")
        if await tx.users.by_email(site_id, email) is not None:
            raise Conflict("email_taken", "An account with this email exists.", "email")
        user = await tx.users.add(
            NewUser(site_id, email, password_hash, name, name_key(name), role, ctx.clock())
        )
        await tx.users.mark_verified(user.id, ctx.clock())
        verified = await tx.users.by_id(user.id)
    assert verified is not None
    return verified


async def do_set_role(ctx: Context, site_slug: str, email: str, role: Role) -> User:
    if role is Role.OPERATOR:
        raise Invalid("role_invalid", "Operators are created with `yoron user add --operator`.", "role")
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        found = await tx.users.by_email(site.id, check_email(email))
        if found is None:
            raise NotFound("user_not_found", "No account on this site has that email.", "email")
        await tx.users.set_role(found[0].id, role)
        details: dict[str, object] = {"from": found[0].role.value, "to": role.value}
        await tx.moderation.audit(site.id, "cli", "user.role", found[0].key, "", details, ctx.clock())
        user = await tx.users.by_id(found[0].id)
    assert user is not None
    return user


async def access_session_for_origin(
    ctx: Context, site_slug: str, origin: str, token: str | None
) -> User | None:
    """The signed-in account a sign-in window may hand to a page of ``origin`` (the embed widget).

    Only the site's own origins get one, and only for an account of that site: a session is
    never handed to another publisher's pages."""
    async with ctx.db.read() as tx:
        site = await access_site(tx, site_slug)
    if origin.lower() not in site.origins:
        raise Forbidden(
            "origin_not_allowed", f"{origin!r} is not one of {site.name}'s pages: sign in there.", "origin"
        )
    user = await access_session(ctx, token)
    return user if user is not None and user.site_id == site.id else None
