"""Accounts through the API with a real SMTP server: sign up, confirm, comment under one's name."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import Inbox

Client = AsyncTestClient[Litestar]
PASSWORD = "correct horse battery"
ARTICLE = {"site": "news", "key": "a1", "title": "T", "url": "https://news.example/a1", "lead": "Lead text."}


async def _signed_up_and_in(client: Client, inbox: Inbox, site: str = "news") -> dict[str, Any]:
    body = {"site": site, "email": "ann@example.org", "display_name": "Ann Reader", "password": PASSWORD}
    created = await client.post("/api/v1/auth/signup", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["email_verified"] is False
    verified = await client.post("/api/v1/auth/verify", json={"token": inbox.link("/auth/verify")})
    assert verified.json()["email_verified"] is True
    signed_in = await client.post(
        "/api/v1/auth/signin", json={"site": site, "email": "ann@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 200 and "yoron_session" in signed_in.headers["set-cookie"]
    return dict(signed_in.json())


async def test_reader_signs_up_confirms_and_comments_under_their_name(
    mail_client: tuple[Client, Inbox],
) -> None:
    client, inbox = mail_client
    session = await _signed_up_and_in(client, inbox)
    assert (await client.get("/api/v1/auth/me")).json()["user"]["display_name"] == "Ann Reader"
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    posted = await client.post(
        f"/api/v1/threads/{thread['id']}/comments",
        json={"body": "Signed in.", "author_name": "Somebody Else"},
    )
    assert posted.status_code == 201 and posted.json()["author"]["name"] == "Ann Reader"
    assert posted.json()["author"]["user_id"] == session["user"]["id"]
    me = (await client.get(f"/api/v1/threads/{thread['id']}/me")).json()
    assert str(posted.json()["id"]) in me["editable"]

    # The token form works without the cookie (a widget on another origin).
    client.cookies.clear()
    assert (await client.get("/api/v1/auth/me")).json() == {"user": None}
    header = {"x-yoron-session": session["session_token"]}
    assert (await client.get("/api/v1/auth/me", headers=header)).json()["user"]["id"] == session["user"]["id"]
    own_vote = await client.put(
        f"/api/v1/comments/{posted.json()['id']}/vote", json={"value": 1}, headers=header
    )
    assert own_vote.status_code == 403 and own_vote.json()["error"]["code"] == "self_vote"

    assert (await client.post("/api/v1/auth/signout", json={}, headers=header)).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=header)).json() == {"user": None}


async def test_unverified_accounts_wait_and_sign_in_errors_are_uniform(
    mail_client: tuple[Client, Inbox],
) -> None:
    client, _inbox = mail_client
    body = {"site": "news", "email": "bo@example.org", "display_name": "Bo Writer", "password": PASSWORD}
    assert (await client.post("/api/v1/auth/signup", json=body)).status_code == 201
    await client.post(
        "/api/v1/auth/signin", json={"site": "news", "email": "bo@example.org", "password": PASSWORD}
    )
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    refused = await client.post(f"/api/v1/threads/{thread['id']}/comments", json={"body": "hi"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "verify_email_first"
    for email, password in (("bo@example.org", "wrong password"), ("nobody@example.org", PASSWORD)):
        failed = await client.post(
            "/api/v1/auth/signin", json={"site": "news", "email": email, "password": password}
        )
        assert failed.status_code == 403 and failed.json()["error"]["code"] == "sign_in_failed"
    again = await client.post("/api/v1/auth/signup", json=body)
    assert again.status_code == 409
    weak = await client.post(
        "/api/v1/auth/signup", json={**body, "email": "x@example.org", "password": "short"}
    )
    assert weak.status_code == 400 and weak.json()["error"]["field"] == "password"


async def test_password_reset_by_emailed_link(mail_client: tuple[Client, Inbox]) -> None:
    client, inbox = mail_client
    await _signed_up_and_in(client, inbox)
    assert (
        await client.post("/api/v1/auth/password-reset", json={"site": "news", "email": "nobody@example.org"})
    ).status_code == 202
    assert (
        await client.post("/api/v1/auth/password-reset", json={"site": "news", "email": "ann@example.org"})
    ).status_code == 202
    confirmed = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": inbox.link("/auth/reset"), "password": "new passphrase 1"},
    )
    assert confirmed.status_code == 200
    assert (await client.get("/api/v1/auth/me")).json() == {"user": None}, "the old session was closed"
    login = {"site": "news", "email": "ann@example.org", "password": "new passphrase 1"}
    assert (await client.post("/api/v1/auth/signin", json=login)).status_code == 200


async def test_guest_policies(mail_client: tuple[Client, Inbox]) -> None:
    client, inbox = mail_client
    strict = (await client.post("/api/v1/threads", json={**ARTICLE, "site": "strict"})).json()
    careful = (await client.post("/api/v1/threads", json={**ARTICLE, "site": "careful"})).json()
    guest = {"body": "As a guest.", "author_name": "Guest"}
    refused = await client.post(f"/api/v1/threads/{strict['id']}/comments", json=guest)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "sign_in_required"
    held = await client.post(f"/api/v1/threads/{careful['id']}/comments", json=guest)
    assert held.status_code == 201 and held.json()["state"] == "pending"
    page = (await client.get(f"/api/v1/threads/{careful['id']}/comments")).json()
    assert (
        page["items"] == []
        and (await client.get(f"/api/v1/threads/{careful['id']}")).json()["comment_count"] == 0
    )
    await _signed_up_and_in(client, inbox, site="strict")
    allowed = await client.post(f"/api/v1/threads/{strict['id']}/comments", json={"body": "Member."})
    assert allowed.status_code == 201 and allowed.json()["state"] == "published"
    site = (await client.get("/api/v1/sites/careful")).json()
    assert site["guest_policy"] == "premoderated" and site["guests_allowed"] is True
