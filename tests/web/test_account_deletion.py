"""Deleting one's account over the API and from the no-JavaScript account page."""

from __future__ import annotations

from typing import Any

from tests.conftest import Inbox
from tests.web.conftest import Client
from tests.web.test_page import csrf_token
from tests.web.test_sso import _exchange, _rotate, _token
from yoron.domain.moderation import DeletedAccounts, ModerationPolicy
from yoron.services import moderation
from yoron.services.context import Context
from yoron.settings import Settings
from yoron.storage.repositories import open_database

PASSWORD = "correct horse battery"
ARTICLE = {"site": "news", "key": "del", "title": "T", "url": "https://news.example/del", "lead": "Lead."}


async def _account(client: Client, inbox: Inbox, email: str, name: str) -> dict[str, Any]:
    body = {"site": "news", "email": email, "display_name": name, "password": PASSWORD}
    assert (await client.post("/api/v1/auth/signup", json=body)).status_code == 201
    await client.post("/api/v1/auth/verify", json={"token": inbox.link("/auth/verify")})
    signed = await client.post(
        "/api/v1/auth/signin", json={"site": "news", "email": email, "password": PASSWORD}
    )
    assert signed.status_code == 200
    return dict(signed.json())


async def _remove_policy(settings: Settings) -> None:
    database = await open_database(settings.database_url)
    try:
        policy = ModerationPolicy(deleted_accounts=DeletedAccounts.REMOVE)
        await moderation.do_set_policy(Context(db=database, clock=lambda: 1), "news", policy, "operator")
    finally:
        await database.close()


async def test_a_reader_deletes_their_account_and_comments_stay_anonymised(
    mail_client: tuple[Client, Inbox],
) -> None:
    client, inbox = mail_client
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    comments = f"/api/v1/threads/{thread['id']}/comments"
    otto = await _account(client, inbox, "otto@example.org", "Otto Other")
    theirs = (await client.post(comments, json={"body": "Otto was here."})).json()
    lea = await _account(client, inbox, "lea@example.org", "Lea Leaver")
    mine = (await client.post(comments, json={"body": "Lea was here.", "parent_id": theirs["id"]})).json()
    assert (await client.put(f"/api/v1/comments/{theirs['id']}/vote", json={"value": 1})).status_code == 200
    header = {"x-yoron-session": lea["session_token"]}

    wrong = await client.request("DELETE", "/api/v1/auth/account", json={"password": "not the password"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "password_wrong"
    assert (await client.get("/api/v1/auth/me")).json()["user"]["id"] == lea["user"]["id"]
    assert (await client.get(f"/api/v1/comments/{mine['id']}")).json()["author"]["name"] == "Lea Leaver"
    client.cookies.clear()
    anonymous = await client.request("DELETE", "/api/v1/auth/account", json={"password": PASSWORD})
    assert anonymous.status_code == 403 and anonymous.json()["error"]["code"] == "not_signed_in"

    done = await client.request("DELETE", "/api/v1/auth/account", json={"password": PASSWORD}, headers=header)
    assert done.status_code == 200, done.text
    assert done.json() == {"deleted": True, "policy": "anonymise", "comments": 1, "votes": 1}
    assert 'yoron_session=""' in done.headers["set-cookie"] or "Max-Age=0" in done.headers["set-cookie"]
    assert (await client.get("/api/v1/auth/me", headers=header)).json() == {"user": None}
    again = await client.post(
        "/api/v1/auth/signin", json={"site": "news", "email": "lea@example.org", "password": PASSWORD}
    )
    assert again.status_code == 403 and again.json()["error"]["code"] == "sign_in_failed"
    kept = (await client.get(f"/api/v1/comments/{mine['id']}")).json()
    assert kept["author"] == {"name": "deleted user"} and kept["html"] == "<p>Lea was here.</p>"
    assert (await client.get(f"/api/v1/users/{lea['user']['id']}")).status_code == 404
    tally = (await client.get(f"/api/v1/comments/{theirs['id']}")).json()
    assert (tally["up"], tally["reply_count"]) == (0, 1)

    other = {"x-yoron-session": otto["session_token"]}
    export = (await client.get("/api/v1/auth/export", headers=other)).json()
    assert export["account"]["email"] == "otto@example.org"
    assert [c["id"] for c in export["comments"]] == [theirs["id"]]


async def test_removal_policy_and_accounts_without_a_password(
    mail_client: tuple[Client, Inbox], settings: Settings
) -> None:
    client, _inbox = mail_client
    await _remove_policy(settings)
    secret = await _rotate(settings)
    signed = await _exchange(client, _token(secret, sub="cms-41", name="Sso Sam"))
    assert signed.status_code == 200
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    posted = (await client.post(f"/api/v1/threads/{thread['id']}/comments", json={"body": "Bye."})).json()

    unconfirmed = await client.request("DELETE", "/api/v1/auth/account", json={})
    assert unconfirmed.status_code == 400 and unconfirmed.json()["error"]["field"] == "confirm"
    done = await client.request("DELETE", "/api/v1/auth/account", json={"confirm": "delete"})
    assert done.json() == {"deleted": True, "policy": "remove", "comments": 1, "votes": 0}
    gone = (await client.get(f"/api/v1/comments/{posted['id']}")).json()
    assert gone["state"] == "deleted" and gone["html"] == "" and gone["author"] == {"name": None}
    assert (await client.get(f"/api/v1/threads/{thread['id']}")).json()["comment_count"] == 0
    assert (await client.get(f"/api/v1/threads/{thread['id']}/comments")).json()["items"] == []


async def test_the_account_page_offers_the_export_and_deletes_with_the_form(
    mail_client: tuple[Client, Inbox],
) -> None:
    client, inbox = mail_client
    signed_out = await client.get("/auth/account?site=news")
    assert (
        signed_out.status_code == 403
        and "/auth/signin?site=news&amp;next=%2Fauth%2Faccount" in signed_out.text
    )
    await _account(client, inbox, "lea@example.org", "Lea Leaver")
    page = await client.get("/auth/account")
    assert page.status_code == 200 and "Lea Leaver" in page.text
    assert "content-security-policy" in page.headers and "<script" not in page.text
    assert 'href="/api/v1/auth/export"' in page.text and 'name="password"' in page.text
    assert "signed &#34;deleted user&#34;" in page.text or 'signed "deleted user"' in page.text
    token = csrf_token(page.text)

    assert (await client.post("/auth/account/delete", data={"password": PASSWORD})).status_code == 403
    wrong = await client.post(
        "/auth/account/delete", data={"password": "nope nope nope", "_csrf_token": token}
    )
    assert wrong.status_code == 403 and "not right" in wrong.text
    done = await client.post("/auth/account/delete", data={"password": PASSWORD, "_csrf_token": token})
    assert done.status_code == 200 and "Account deleted" in done.text
    assert (await client.get("/api/v1/auth/me")).json() == {"user": None}
    assert (await client.get("/auth/account")).status_code == 403
