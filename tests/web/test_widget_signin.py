"""The widget's sign-in window hands a session only to the site's own pages, and only its own accounts."""

from __future__ import annotations

import re
from urllib.parse import quote

from tests.conftest import Clock, Inbox
from tests.web.conftest import Client
from tests.web.test_page import csrf_token
from yoron.domain.accounts import Role
from yoron.services import accounts
from yoron.services.context import Context
from yoron.settings import Settings
from yoron.storage.repositories import open_database

PASSWORD = "correct horse battery"
ORIGIN = "https://news.example"
POPUP = f"/auth/popup?site=news&origin={quote(ORIGIN, safe='')}"


async def _add_reader(settings: Settings, site: str, email: str, name: str) -> None:
    database = await open_database(settings.database_url)
    try:
        await accounts.do_add_user(
            Context(db=database, clock=Clock()), site, email, name, PASSWORD, Role.READER
        )
    finally:
        await database.close()


async def _sign_in(client: Client, site: str, email: str, next: str) -> str:
    page = (await client.get(f"/auth/signin?site={site}")).text
    answer = await client.post(
        "/auth/signin",
        data={
            "site": site,
            "email": email,
            "password": PASSWORD,
            "next": next,
            "_csrf_token": csrf_token(page),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


async def test_window_hands_the_session_to_the_sites_page(
    mail_client: tuple[Client, Inbox], settings: Settings
) -> None:
    client, _inbox = mail_client
    await _add_reader(settings, "news", "ann@example.org", "Ann Lee")
    form = (await client.get(f"/auth/signin?site=news&popup=1&origin={quote(ORIGIN)}")).text
    assert f'name="next" value="{POPUP.replace("&", "&amp;")}"' in form
    assert re.search(r'href="/auth/signup\?[^"]*next=/auth/popup', form)  # signing up keeps to the window

    assert await _sign_in(client, "news", "ann@example.org", POPUP) == POPUP
    handed = await client.get(POPUP)
    assert handed.status_code == 200 and "Ann Lee" in handed.text
    token = re.search(r'data-token="([^"]+)"', handed.text)
    assert token and token.group(1) == client.cookies.get("yoron_session")
    assert f'data-origin="{ORIGIN}"' in handed.text and '<script src="/static/popup.js"' in handed.text
    assert "script-src 'self'" in handed.headers["content-security-policy"]
    assert handed.headers["cache-control"] == "private, no-store"
    me = await client.get("/api/v1/auth/me", headers={"x-yoron-session": token.group(1)})
    assert me.json()["user"]["display_name"] == "Ann Lee"

    # Signed in already: the window goes straight to handing the session over.
    again = await client.get(f"/auth/signin?site=news&popup=1&origin={quote(ORIGIN)}", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == POPUP


async def test_no_session_for_other_origins_or_sites(
    mail_client: tuple[Client, Inbox], settings: Settings
) -> None:
    client, _inbox = mail_client
    await _add_reader(settings, "strict", "bo@example.org", "Bo Chen")
    evil = await client.get("/auth/popup?site=news&origin=https%3A%2F%2Fevil.example")
    assert evil.status_code == 403 and "data-token" not in evil.text and "evil.example" in evil.text
    assert (await client.get("/auth/signin?site=news&popup=1&origin=https://evil.example")).status_code == 403
    assert (await client.get("/auth/popup?site=nosuch&origin=https://news.example")).status_code == 404

    # Not signed in: the window shows the sign-in form instead.
    signed_out = await client.get(POPUP, follow_redirects=False)
    assert signed_out.status_code == 303 and "popup=1" in signed_out.headers["location"]

    # An account of another site is never handed to this site's pages.
    await _sign_in(client, "strict", "bo@example.org", "/")
    other = await client.get(POPUP, follow_redirects=False)
    assert other.status_code == 303 and "data-token" not in other.text
