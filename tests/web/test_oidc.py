"""OpenID Connect sign-in against real providers on loopback, and everything that must fail cleanly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc.jwk import RSAKey

from tests.conftest import Clock
from tests.identity_providers import Impostor, running_mock_provider
from tests.servers import free_port
from tests.web.conftest import Client
from yoron.domain.accounts import Role
from yoron.domain.oidc import OidcProvider
from yoron.services import accounts, oidc
from yoron.services.context import Context
from yoron.settings import Settings
from yoron.storage.repositories import open_database

ARTICLE = {"site": "news", "key": "o1", "title": "T", "url": "https://news.example/o1", "lead": "Lead."}
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def mock_issuer() -> Iterator[str]:
    with running_mock_provider() as issuer:
        yield issuer


@pytest.fixture(scope="module")
def impostor() -> Iterator[Impostor]:
    with Impostor() as provider:
        yield provider


async def _add_provider(
    settings: Settings, issuer: str, label: str, client_id: str = "yoron-news"
) -> OidcProvider:
    database = await open_database(settings.database_url)
    try:
        return await oidc.do_set_provider(
            Context(db=database, clock=Clock()),
            "news",
            issuer=issuer,
            client_id=client_id,
            client_secret="s3cret",
            label=label,
        )
    finally:
        await database.close()


@pytest.fixture
async def mock_id(settings: Settings, site_key: str, mock_issuer: str) -> OidcProvider:
    """The site 'news' offers "Sign in with Mock ID"."""
    return await _add_provider(settings, mock_issuer, "Mock ID")


async def _start(client: Client, provider: str = "mock-id", next: str = "/t/1") -> str:
    started = await client.get(f"/auth/oidc/news/{provider}/start?next={next}", follow_redirects=False)
    assert started.status_code == 303, started.text
    return started.headers["location"]


async def _at_provider(authorize_url: str, **form: str) -> str:
    """What the reader does on the mock provider's page; returns where it sends them back."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.post(authorize_url, data=form)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/auth/oidc/callback"
    return f"{back.path}?{back.query}"


async def _me(client: Client) -> dict[str, object] | None:
    user: dict[str, object] | None = (await client.get("/api/v1/auth/me")).json()["user"]
    return user


async def test_sign_in_page_offers_the_sites_providers(client: Client, mock_id: OidcProvider) -> None:
    page = (await client.get("/auth/signin?site=news&next=/t/7")).text
    assert "Sign in with Mock ID" in page
    assert 'href="/auth/oidc/news/mock-id/start?next=/t/7"' in page
    assert "Sign in with" not in (await client.get("/auth/signin?site=nosuch")).text


async def test_full_flow_creates_links_and_signs_in(client: Client, mock_id: OidcProvider) -> None:
    authorize = await _start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert "openid" in query["scope"][0].split()
    back = await client.get(await _at_provider(authorize, sub="alice"), follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/t/1"
    me = await _me(client)
    assert me is not None and me["display_name"] == "Alice Example" and me["email_verified"]

    # Posting works at once: the provider vouched for the reader.
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    posted = await client.post(f"/api/v1/threads/{thread['id']}/comments", json={"body": "Hello."})
    assert posted.status_code == 201 and posted.json()["author"]["name"] == "Alice Example"

    # Signing in again finds the same account.
    await client.post("/api/v1/auth/signout", json={})
    assert await _me(client) is None
    await client.get(await _at_provider(await _start(client), sub="alice"), follow_redirects=False)
    again = await _me(client)
    assert again is not None and again["id"] == me["id"]

    # Someone else with the same name at the provider gets a name free on the site.
    await client.get(await _at_provider(await _start(client), sub="alice-twin"), follow_redirects=False)
    twin = await _me(client)
    assert twin is not None and twin["display_name"] == "Alice Example 2" and twin["id"] != me["id"]


async def test_a_provider_email_never_takes_over_a_local_account(
    client: Client, settings: Settings, mock_id: OidcProvider
) -> None:
    database = await open_database(settings.database_url)
    try:
        local = await accounts.do_add_user(
            Context(db=database, clock=Clock()), "news", "alice@example.org", "Alice", PASSWORD, Role.READER
        )
    finally:
        await database.close()
    await client.get(await _at_provider(await _start(client), sub="alice"), follow_redirects=False)
    me = await _me(client)
    assert me is not None and me["id"] != local.id


async def test_bad_state_is_refused(client: Client, mock_id: OidcProvider) -> None:
    callback = await _at_provider(await _start(client), sub="alice")
    forged = callback.replace("state=", "state=x")
    refused = await client.get(forged)
    assert refused.status_code == 400 and "not started in this browser" in refused.text
    assert "text/html" in refused.headers["content-type"] and await _me(client) is None
    assert (await client.get("/auth/oidc/callback?state=%C3%BC&code=x")).status_code == 400


async def test_another_browser_cannot_finish_the_sign_in(client: Client, mock_id: OidcProvider) -> None:
    callback = await _at_provider(await _start(client), sub="alice")
    client.cookies.clear()  # the link handed to someone else: their browser lacks the state cookie
    refused = await client.get(callback)
    assert refused.status_code == 400 and await _me(client) is None


async def test_replayed_callback_is_refused(client: Client, mock_id: OidcProvider) -> None:
    callback = await _at_provider(await _start(client), sub="alice")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    first = await client.get(callback, follow_redirects=False)
    assert first.status_code == 303
    # Even with the state cookie put back, a sign-in is finished only once.
    client.cookies.set("yoron_oidc", state, domain="testserver.local", path="/auth/oidc")
    replay = await client.get(callback, follow_redirects=False)
    assert replay.status_code == 400 and "finished already" in replay.text


async def test_denied_consent_is_a_clear_refusal(client: Client, mock_id: OidcProvider) -> None:
    callback = await _at_provider(await _start(client), action="deny")
    assert "error=access_denied" in callback
    denied = await client.get(callback)
    assert denied.status_code == 403 and "access was not allowed" in denied.text
    assert await _me(client) is None


async def test_unreachable_provider(client: Client, settings: Settings, site_key: str) -> None:
    await _add_provider(settings, f"http://127.0.0.1:{free_port()}", "Gone ID")
    page = await client.get("/auth/oidc/news/gone-id/start")
    assert page.status_code == 424 and "not possible right now" in page.text
    assert "Gone ID" in page.text


async def test_unknown_site_or_provider(client: Client, mock_id: OidcProvider) -> None:
    no_site = await client.get("/auth/oidc/nosuch/mock-id/start")
    assert no_site.status_code == 404 and "There is no site" in no_site.text
    no_provider = await client.get("/auth/oidc/news/nosuch/start")
    assert no_provider.status_code == 404 and "no sign-in with" in no_provider.text


def _other_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "impostor"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, None),
        ({"iss": "https://elsewhere.example"}, "issued by another provider"),
        ({"aud": "another-app"}, "meant for another application"),
        ({"nonce": "from-another-sign-in"}, "belongs to another sign-in"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "has expired"),
        ({"signing_key": "other"}, "not signed by its published keys"),
    ],
    ids=["valid", "wrong-issuer", "wrong-audience", "wrong-nonce", "expired", "bad-signature"],
)
async def test_id_token_checks(
    client: Client,
    settings: Settings,
    site_key: str,
    impostor: Impostor,
    change: dict[str, object],
    message: str | None,
) -> None:
    await _add_provider(settings, impostor.issuer, "Impostor", client_id="yoron-news")
    authorize = parse_qs(urlsplit(await _start(client, "impostor")).query)
    impostor.claims = {**impostor.valid_claims("yoron-news", authorize["nonce"][0]), **change}
    impostor.signing_key = _other_key() if impostor.claims.pop("signing_key", None) else impostor.key
    answer = await client.get(
        f"/auth/oidc/callback?code=any&state={authorize['state'][0]}", follow_redirects=False
    )
    if message is None:
        assert answer.status_code == 303
        me = await _me(client)
        assert me is not None and me["display_name"] == "Reader"
    else:
        assert answer.status_code == 403 and message in answer.text
        assert await _me(client) is None
