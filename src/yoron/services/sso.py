"""Single sign-on from the news site: its pages hand readers a signed token (JWT, HS256).

The site signs ``{sub, name, exp, jti, aud}`` (and optionally ``email``,
``avatar``, ``role``, ``badges``) with the secret yoron gave it. yoron checks
the signature against the current secret and, during a rotation, the previous
one; refuses tokens that expired, were meant for another site (``aud``) or were
used before (``jti``); then creates or updates the linked user and opens a session.
"""

from __future__ import annotations

import secrets
from typing import Any

import jwt

from yoron.domain.accounts import NewUser, Role, User, UserStatus
from yoron.domain.errors import Forbidden, Invalid
from yoron.domain.names import NAME_MAX, check_display_name, name_key
from yoron.services.accounts import AccountSettings, check_email, open_session
from yoron.services.context import Context
from yoron.services.ports import Tx
from yoron.services.sites import access_site

MAX_LIFETIME_SECONDS = 3600
LEEWAY_SECONDS = 30
MAX_BADGES = 10


def _refused(code: str, message: str) -> Forbidden:
    return Forbidden(f"sso_{code}", message, "token")


async def do_rotate_sso_secret(ctx: Context, site_slug: str) -> str:
    """A new signing secret; the one before stays valid until the next rotation."""
    secret = "ysso_" + secrets.token_urlsafe(32)
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        current, _previous = await tx.sites.sso_secrets(site.id)
        await tx.sites.set_sso_secrets(site.id, secret, current)
    return secret


def _decode(token: str, secrets_to_try: tuple[str, ...], audience: str, now: int) -> dict[str, Any]:
    last: Exception = _refused(
        "signature", "The sign-in token's signature does not match this site's secret."
    )
    for secret in secrets_to_try:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                secret,
                algorithms=["HS256"],
                audience=audience,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "sub", "jti", "aud"]},
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError:
            raise _refused("expired", "The sign-in token has expired; reload the page.") from None
        except jwt.InvalidAudienceError:
            raise _refused("wrong_site", "The sign-in token was made for another site.") from None
        except jwt.MissingRequiredClaimError as exc:
            raise _refused("claims", f"The sign-in token lacks the {exc.claim!r} claim.") from None
        except jwt.InvalidTokenError as exc:
            last = _refused("invalid", f"The sign-in token is not valid: {exc}.")
            break
        if int(claims["exp"]) - now // 1000 > MAX_LIFETIME_SECONDS:
            raise _refused("too_long", "A sign-in token may live at most an hour.")
        return claims
    raise last


def _profile(claims: dict[str, Any], site_id: int, site_name: str, now: int) -> tuple[str, NewUser]:
    subject = claims["sub"]
    if not isinstance(subject, str) or not 0 < len(subject) <= 200:
        raise Invalid("sso_subject", "The token's 'sub' is the site's user id, 1 to 200 characters.", "token")
    name = check_display_name(str(claims.get("name") or ""), also_reserved=frozenset({site_name}))
    email = claims.get("email")
    avatar = claims.get("avatar") or ""
    role = claims.get("role") or "reader"
    badges = claims.get("badges") or []
    if role not in ("reader", "moderator", "admin"):
        raise Invalid("sso_role", "The token's 'role' is reader, moderator or admin.", "token")
    if not isinstance(avatar, str) or not (avatar == "" or avatar.startswith("https://")):
        raise Invalid("sso_avatar", "The token's 'avatar' is an https URL.", "token")
    if (
        not isinstance(badges, list)
        or len(badges) > MAX_BADGES
        or not all(isinstance(b, str) and 0 < len(b) <= 40 for b in badges)
    ):
        raise Invalid(
            "sso_badges", f"The token's 'badges' is a list of up to {MAX_BADGES} short words.", "token"
        )
    profile = NewUser(
        site_id=site_id,
        email=check_email(email) if email else None,
        password_hash=None,
        display_name=name,
        name_key=name_key(name),
        role=Role(role),
        created_at=now,
        sso_subject=subject,
        avatar_url=avatar,
        badges=tuple(badges),
    )
    return subject, profile


async def free_display_name(tx: Tx, site_id: int, wanted: str, user_id: int | None) -> str:
    """``wanted`` when no one else on the site holds it; otherwise numbered ("Ann Lee 2"), as two
    people may share a name."""
    name, attempt = wanted, 1
    while True:
        holder = await tx.users.by_name_key(site_id, name_key(name))
        if holder is None or holder.id == user_id:
            return name
        attempt += 1
        suffix = f" {attempt}"
        name = wanted[: NAME_MAX - len(suffix)].rstrip() + suffix


async def _unique_name(tx: Tx, site_id: int, profile: NewUser, user_id: int | None) -> NewUser:
    """Keep the site's own name when free; otherwise number it."""
    name = await free_display_name(tx, site_id, profile.display_name, user_id)
    return NewUser(**{**_fields(profile), "display_name": name, "name_key": name_key(name)})


def _fields(profile: NewUser) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in NewUser.__dataclass_fields__}


async def do_sso_sign_in(
    ctx: Context, settings: AccountSettings, site_slug: str, token: str
) -> tuple[User, str]:
    """Check a host site's token, create or update its user, and open a session."""
    if not token or len(token) > 8192:
        raise _refused("invalid", "The sign-in token is missing or too long.")
    now = ctx.clock()
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        current, previous = await tx.sites.sso_secrets(site.id)
        if not current:
            raise _refused("not_configured", "This site has not set up single sign-on.")
        claims = _decode(token, tuple(s for s in (current, previous) if s), site.slug, now)
        subject, profile = _profile(claims, site.id, site.name, now)
        expires_at = int(claims["exp"]) * 1000
        if not await tx.sites.remember_nonce(site.id, str(claims["jti"])[:200], expires_at, now):
            raise _refused("replayed", "This sign-in token was used already; reload the page.")
        existing = await tx.users.by_sso(site.id, subject)
        profile = await _unique_name(tx, site.id, profile, existing.id if existing else None)
        taken = await tx.users.by_email(site.id, profile.email) if profile.email else None
        if taken and (existing is None or taken[0].id != existing.id):
            # Another account holds this address: never merge accounts on an email claim.
            profile = NewUser(**{**_fields(profile), "email": None})
        if existing is None:
            user = await tx.users.add(profile)
            await tx.users.mark_verified(user.id, now)
        else:
            await tx.users.update_profile(existing.id, profile)
            user = existing
        refreshed = await tx.users.by_id(user.id)
    assert refreshed is not None
    if refreshed.status is UserStatus.BANNED:
        raise Forbidden("banned", "This account is banned.", None)
    return refreshed, await open_session(ctx, settings, refreshed)
