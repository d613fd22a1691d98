"""Profiles, avatars, claiming guest comments, and what suspended or banned accounts may do."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import Inbox
from tests.web.conftest import Client
from yoron.domain.accounts import UserStatus
from yoron.services import profiles
from yoron.services.context import Context
from yoron.settings import Settings
from yoron.storage.repositories import open_database

PASSWORD = "correct horse battery"
ARTICLE = {"site": "news", "key": "pr", "title": "Ferry plan", "url": "https://news.example/pr", "lead": "L."}


async def _account(client: Client, inbox: Inbox, email: str, name: str) -> dict[str, Any]:
    body = {"site": "news", "email": email, "display_name": name, "password": PASSWORD}
    await client.post("/api/v1/auth/signup", json=body)
    await client.post("/api/v1/auth/verify", json={"token": inbox.link("/auth/verify")})
    signed = await client.post(
        "/api/v1/auth/signin", json={"site": "news", "email": email, "password": PASSWORD}
    )
    return dict(signed.json())


async def test_guest_comments_claimed_then_shown_on_the_profile(mail_client: tuple[Client, Inbox]) -> None:
    client, inbox = mail_client
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    url = f"/api/v1/threads/{thread['id']}/comments"
    as_guest = await client.post(url, json={"body": "Before I had an account.", "author_name": "Eve"})
    assert as_guest.status_code == 201
    session = await _account(client, inbox, "eve@example.org", "Eve Walker")
    await client.post(url, json={"body": "Signed in now."})
    claimed = await client.post("/api/v1/auth/claim", json={})
    assert claimed.json() == {"claimed": 1}
    assert (await client.post("/api/v1/auth/claim", json={})).json() == {"claimed": 0}

    profile = (await client.get(f"/api/v1/users/{session['user']['id']}")).json()
    assert profile["user"]["display_name"] == "Eve Walker"
    assert [c["html"] for c in profile["comments"]] == [
        "<p>Signed in now.</p>",
        "<p>Before I had an account.</p>",
    ]
    assert profile["comments"][0]["thread_title"] == "Ferry plan"
    page = await client.get(f"/u/{session['user']['id']}")
    assert page.status_code == 200 and "Member since" in page.text and "Ferry plan" in page.text
    avatar = await client.get(profile["avatar"])
    assert avatar.headers["content-type"].startswith("image/svg+xml") and ">EW</text>" in avatar.text
    thread_page = (await client.get(f"/t/{thread['id']}")).text
    assert re.search(rf'href="/u/{session["user"]["id"]}"', thread_page)
    assert (await client.get("/api/v1/users/999999")).status_code == 404
    assert (await client.get(f"/api/v1/users/{session['user']['id']}?before=nonsense")).status_code == 400


async def test_suspended_and_banned_accounts_only_read(
    mail_client: tuple[Client, Inbox], settings: Settings
) -> None:
    client, inbox = mail_client
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    url = f"/api/v1/threads/{thread['id']}/comments"
    await _account(client, inbox, "mal@example.org", "Mal Content")
    posted = (await client.post(url, json={"body": "Fine for now."})).json()
    database = await open_database(settings.database_url)
    try:
        ctx = Context(db=database, clock=lambda: 1)
        await profiles.do_set_status(ctx, "news", "mal@example.org", UserStatus.SUSPENDED)
    finally:
        await database.close()
    # Suspension signs the account out everywhere; signing in again gives a read-only account.
    assert (await client.get("/api/v1/auth/me")).json() == {"user": None}
    signed = await client.post(
        "/api/v1/auth/signin", json={"site": "news", "email": "mal@example.org", "password": PASSWORD}
    )
    assert signed.status_code == 200
    refused = await client.post(url, json={"body": "Still here?"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "account_suspended"
    edit = await client.patch(f"/api/v1/comments/{posted['id']}", json={"body": "changed"})
    assert edit.status_code == 403
    assert (await client.get(url)).status_code == 200


async def test_a_reader_downloads_all_their_data(mail_client: tuple[Client, Inbox]) -> None:
    client, inbox = mail_client
    assert (await client.get("/api/v1/auth/export")).status_code == 403
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    url = f"/api/v1/threads/{thread['id']}/comments"
    other = (await client.post(url, json={"body": "someone else", "author_name": "Zed"})).json()
    client.cookies.clear()
    session = await _account(client, inbox, "dee@example.org", "Dee Export")
    mine = (await client.post(url, json={"body": "**mine**"})).json()
    await client.put(f"/api/v1/comments/{other['id']}/vote", json={"value": -1})
    exported = await client.get("/api/v1/auth/export")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    data = exported.json()
    assert data["account"]["email"] == "dee@example.org" and data["account"]["id"] == session["user"]["id"]
    assert [(c["id"], c["body"]) for c in data["comments"]] == [(mine["id"], "**mine**")]
    assert [(v["comment_id"], v["value"]) for v in data["votes"]] == [(other["id"], -1)]
