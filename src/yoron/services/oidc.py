"""OpenID Connect sign-in: "Sign in with ..." any provider a site set up.

The authorization code flow with PKCE. Starting, yoron finds the provider's
endpoints (``{issuer}/.well-known/openid-configuration``), remembers a state,
a nonce and a code verifier for a few minutes, and sends the reader to the
provider. Coming back, the state is used once; the code is exchanged for an ID
token, which must be signed by one of the provider's keys (its JWKS) and name
the provider as issuer, yoron's client as audience, the nonce, and an expiry
still ahead. The account linked to the provider's ``(issuer, sub)`` on the site
is then signed in, or created first under a display name free on the site.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from yoron.domain.accounts import NewUser, Role, User, UserStatus
from yoron.domain.errors import DomainError, Forbidden, Invalid, NotFound
from yoron.domain.names import check_display_name, name_key
from yoron.domain.oidc import (
    OidcProvider,
    PendingLogin,
    check_endpoint,
    check_issuer,
    check_provider_name,
    provider_name_from,
)
from yoron.domain.rules import check_text
from yoron.services.accounts import AccountSettings, check_email, hash_token, open_session
from yoron.services.context import Context
from yoron.services.ports import Tx
from yoron.services.sites import access_site
from yoron.services.sso import free_display_name

LOGIN_MINUTES = 10
SCOPES = "openid email profile"
TIMEOUT_SECONDS = 10.0
LEEWAY_SECONDS = 60
# Signatures by the provider's published keys only: no "none", no secret-keyed HMAC.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
FALLBACK_NAME = "Reader"


class ProviderFailed(DomainError):
    """The provider could not be reached, or answered something that is not OpenID Connect.

    A 4xx all the same: the sign-in cannot go on, and nothing on yoron's side broke."""

    status = 424


@dataclass(frozen=True, slots=True)
class Started:
    url: str
    """The provider's authorization page, where the reader goes next."""
    state: str
    """Kept by the reader's browser too, so that only the browser that started can finish."""


@dataclass(frozen=True, slots=True)
class Finished:
    user: User
    session_token: str
    next: str


def _refused(code: str, message: str) -> Forbidden:
    return Forbidden(f"oidc_{code}", message, None)


# --------------------------------------------------------------------- the site's providers


async def do_set_provider(
    ctx: Context,
    site_slug: str,
    *,
    issuer: str,
    client_id: str,
    client_secret: str,
    label: str,
    name: str | None = None,
) -> OidcProvider:
    """Add a provider to a site, or change the one of that name (by default made from the label)."""
    label = check_text(label, field="label", max_len=80)
    name = check_provider_name(name if name is not None else provider_name_from(label))
    issuer = check_issuer(issuer)
    client_id = check_text(client_id, field="client_id", max_len=512)
    client_secret = check_text(client_secret, field="client_secret", max_len=1024)
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        return await tx.oidc.put_provider(site.id, name, label, issuer, client_id, client_secret, ctx.clock())


async def list_providers(ctx: Context, site_slug: str) -> list[OidcProvider]:
    async with ctx.db.read() as tx:
        site = await access_site(tx, site_slug)
        return await tx.oidc.providers(site.id)


async def sign_in_choices(ctx: Context, site_slug: str) -> list[OidcProvider]:
    """The providers a sign-in page offers: none for a site that does not exist."""
    try:
        return await list_providers(ctx, site_slug) if site_slug else []
    except NotFound:
        return []


async def do_remove_provider(ctx: Context, site_slug: str, name: str) -> None:
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        if not await tx.oidc.remove_provider(site.id, name):
            raise NotFound("oidc_provider_not_found", f"{site_slug} has no provider {name!r}.", "name")


async def _access_provider(tx: Tx, site_slug: str, name: str) -> OidcProvider:
    site = await access_site(tx, site_slug)
    provider = await tx.oidc.provider(site.id, name)
    if provider is None:
        raise NotFound("oidc_provider_not_found", f"{site.name} offers no sign-in with {name!r}.", "provider")
    return provider


# --------------------------------------------------------------------- talking to the provider


def _client(provider: OidcProvider, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT_SECONDS,
    )


def _unreachable(provider: OidcProvider, what: str) -> ProviderFailed:
    return ProviderFailed(
        "oidc_provider_unavailable",
        f"Signing in with {provider.label} is not possible right now: {what}. Try again later.",
        None,
    )


async def _get_json(client: AsyncOAuth2Client, provider: OidcProvider, url: str) -> dict[str, Any]:
    try:
        response = await client.request("GET", url, withhold_token=True)
        response.raise_for_status()
        document = response.json()
    except httpx2.HTTPError as exc:
        raise _unreachable(provider, f"{url} did not answer ({type(exc).__name__})") from None
    except ValueError:
        raise _unreachable(provider, f"{url} did not answer with JSON") from None
    if not isinstance(document, dict):
        raise _unreachable(provider, f"{url} did not answer with a JSON object")
    return document


async def _metadata(client: AsyncOAuth2Client, provider: OidcProvider) -> dict[str, Any]:
    """The provider's discovery document, which must be its own (same issuer) and name https endpoints."""
    document = await _get_json(
        client, provider, provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    )
    if document.get("issuer") != provider.issuer:
        raise _unreachable(provider, f"its configuration names another issuer, {document.get('issuer')!r}")
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        url = document.get(endpoint)
        try:
            check_endpoint(url if isinstance(url, str) else "", field=endpoint)
        except Invalid:
            raise _unreachable(provider, f"its configuration has no usable {endpoint}") from None
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    client.token_endpoint_auth_method = (
        "client_secret_post" if "client_secret_basic" not in methods else "client_secret_basic"
    )
    return document


async def _exchange_code(
    provider: OidcProvider, login: PendingLogin, code: str, redirect_uri: str
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The token response, its ID token, and the provider's keys."""
    async with _client(provider, redirect_uri) as client:
        metadata = await _metadata(client, provider)
        try:
            token = await client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=login.code_verifier,
            )
        except OAuthError as exc:
            raise _refused(
                "code_refused", f"{provider.label} did not accept the sign-in ({exc.error}). Start again."
            ) from None
        except httpx2.HTTPError as exc:
            raise _unreachable(
                provider, f"its token endpoint did not answer ({type(exc).__name__})"
            ) from None
        except ValueError:
            raise _unreachable(provider, "its token endpoint did not answer with JSON") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise _unreachable(provider, "it sent no ID token")
        keys = await _get_json(client, provider, metadata["jwks_uri"])
    return dict(token), id_token, keys


def check_id_token(
    id_token: str,
    jwks: dict[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    now: int,
    access_token: str | None = None,
) -> dict[str, Any]:
    """The claims of an ID token signed by one of ``jwks``, for this issuer, client and nonce, unexpired.

    ``now`` is in Unix seconds."""
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise ProviderFailed(
            "oidc_provider_keys", "The provider's published keys could not be read.", None
        ) from None
    try:
        token = jwt.decode(
            id_token, keys, registry=JWSRegistry(algorithms=ALGORITHMS, strict_check_header=False)
        )
    except (JoseError, ValueError):
        raise _refused("signature", "The provider's answer is not signed by its published keys.") from None
    params: dict[str, Any] = {"nonce": nonce, "client_id": client_id}
    if access_token:
        params["access_token"] = access_token
    claims = CodeIDToken(
        token.claims,
        token.header,
        {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": client_id},
            "sub": {"essential": True},
            "nonce": {"essential": True, "value": nonce},
        },
        params,
    )
    try:
        claims.validate(now=now, leeway=LEEWAY_SECONDS)
    except ExpiredTokenError:
        raise _refused("expired", "The provider's answer has expired. Start again.") from None
    except ClaimError as exc:
        raise _claim_refused(exc.claim) from None
    return dict(claims)


def _claim_refused(claim: str) -> Forbidden:
    if claim == "iss":
        return _refused("issuer", "The answer was issued by another provider than the one configured.")
    if claim in ("aud", "azp"):
        return _refused("audience", "The answer was meant for another application, not this site.")
    if claim == "nonce":
        return _refused("nonce", "The answer belongs to another sign-in. Start again.")
    return _refused("claims", f"The provider's answer has an invalid or missing {claim!r}.")


# --------------------------------------------------------------------- the flow


async def do_start_sign_in(
    ctx: Context, site_slug: str, provider_name: str, *, redirect_uri: str, next: str
) -> Started:
    """Remember a new sign-in and say where to send the reader."""
    async with ctx.db.read() as tx:
        provider = await _access_provider(tx, site_slug, provider_name)
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    async with _client(provider, redirect_uri) as client:
        metadata = await _metadata(client, provider)
        url, _state = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
        )
    now = ctx.clock()
    async with ctx.db.write() as tx:
        await tx.oidc.add_login(
            hash_token(state),
            PendingLogin(provider.id, nonce, verifier, next),
            now + LOGIN_MINUTES * 60_000,
            now,
        )
    return Started(url=url, state=state)


async def do_finish_sign_in(
    ctx: Context,
    settings: AccountSettings,
    *,
    state: str,
    browser_state: str | None,
    code: str,
    error: str,
    redirect_uri: str,
) -> Finished:
    """Take the provider's answer: check it, find or create the reader's account, open a session."""
    if error and not state:  # some providers leave the state out of a refusal
        raise _provider_said_no(error, "The provider")
    if not state or not browser_state or not hmac.compare_digest(state.encode(), browser_state.encode()):
        raise Invalid(
            "oidc_state",
            "This sign-in was not started in this browser, or it took too long. Start again.",
            None,
        )
    async with ctx.db.write() as tx:
        login = await tx.oidc.take_login(hash_token(state), ctx.clock())
        provider = await tx.oidc.provider_by_id(login.provider_id) if login else None
    if login is None or provider is None:
        raise Invalid(
            "oidc_state_used", "This sign-in was finished already, or it expired. Start again.", None
        )
    if error:
        raise _provider_said_no(error, provider.label)
    if not code:
        raise Invalid("oidc_code", f"{provider.label} sent no authorization code. Start again.", None)
    token, id_token, keys = await _exchange_code(provider, login, code, redirect_uri)
    claims = check_id_token(
        id_token,
        keys,
        issuer=provider.issuer,
        client_id=provider.client_id,
        nonce=login.nonce,
        now=ctx.clock() // 1000,
        access_token=token.get("access_token"),
    )
    user = await _account_for(ctx, provider, claims)
    if user.status is UserStatus.BANNED:
        raise Forbidden("banned", "This account is banned.", None)
    return Finished(user, await open_session(ctx, settings, user), login.next)


def _provider_said_no(error: str, who: str) -> Forbidden:
    if error == "access_denied":
        return _refused("denied", f"{who} did not sign you in: access was not allowed.")
    return _refused("provider_error", f"{who} did not sign you in ({error[:80]}).")


def _display_name(claims: dict[str, Any], site_name: str) -> str:
    """The first of the provider's names that is acceptable on the site."""
    email = claims.get("email")
    candidates = (
        claims.get("name"),
        " ".join(str(claims.get(part) or "") for part in ("given_name", "family_name")),
        claims.get("preferred_username"),
        claims.get("nickname"),
        email.split("@", 1)[0] if isinstance(email, str) else None,
    )
    for candidate in candidates:
        if isinstance(candidate, str):
            try:
                return check_display_name(candidate, also_reserved=frozenset({site_name}))
            except Invalid:
                continue
    return FALLBACK_NAME


def _verified_email(claims: dict[str, Any]) -> str | None:
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") is not True:
        return None
    try:
        return check_email(email)
    except Invalid:
        return None


async def _account_for(ctx: Context, provider: OidcProvider, claims: dict[str, Any]) -> User:
    """The account linked to the provider's subject, created (verified, a reader) on first sign-in."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not 0 < len(subject) <= 255:
        raise _refused("claims", "The provider's answer has no usable 'sub'.")
    now = ctx.clock()
    async with ctx.db.write() as tx:
        linked = await tx.oidc.identity_user(provider.site_id, provider.issuer, subject)
        if linked is not None:
            return linked
        site = await tx.sites.by_id(provider.site_id)
        assert site is not None
        name = await free_display_name(tx, site.id, _display_name(claims, site.name), None)
        email = _verified_email(claims)
        if email and await tx.users.by_email(site.id, email) is not None:
            # Someone here already uses this address: never merge accounts on a provider's word.
            email = None
        added = await tx.users.add(NewUser(site.id, email, None, name, name_key(name), Role.READER, now))
        await tx.users.mark_verified(added.id, now)
        await tx.oidc.link(site.id, provider.issuer, subject, added.id, now)
        user = await tx.users.by_id(added.id)
    assert user is not None
    return user
