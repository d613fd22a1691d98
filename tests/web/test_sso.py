"""Single sign-on end to end: a host site signs a token, the reader comments under that identity."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import pytest

from tests.conftest import Inbox
from tests.web.conftest import Client
from yoron.services import sso
from yoron.services.context import Context
from yoron.settings import Settings
from yoron.storage.repositories import open_database

ARTICLE = {"site": "news", "key": "s1", "title": "T", "url": "https://news.example/s1", "lead": "Lead."}


async def _rotate(settings: Settings, site: str = "news") -> str:
    database = await open_database(settings.database_url)
    try:
        return await sso.do_rotate_sso_secret(Context(db=database, clock=lambda: 0), site)
    finally:
        await database.close()


def _token(secret: str, **claims: Any) -> str:
    now = int(time.time())
    body = {"sub": "cms-user-7", "name": "Dana Host", "aud": "news", "exp": now + 300, "iat": now}
    body["jti"] = uuid.uuid4().hex
    body.update(claims)
    return jwt.encode({k: v for k, v in body.items() if v is not None}, secret, algorithm="HS256")


async def _exchange(client: Client, token: str, site: str = "news") -> Any:
    return await client.post("/api/v1/auth/sso", json={"site": site, "token": token})


async def test_host_site_token_signs_the_reader_in(
    mail_client: tuple[Client, Inbox], settings: Settings
) -> None:
    client, _inbox = mail_client
    secret = await _rotate(settings)
    token = _token(secret, email="dana@news.example", role="moderator", badges=["subscriber"])
    signed_in = await _exchange(client, token)
    assert signed_in.status_code == 200, signed_in.text
    user = signed_in.json()["user"]
    assert (user["display_name"], user["role"], user["badges"]) == ("Dana Host", "moderator", ["subscriber"])
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    posted = await client.post(f"/api/v1/threads/{thread['id']}/comments", json={"body": "Via SSO."})
    assert posted.status_code == 201 and posted.json()["author"] == {
        "name": "Dana Host",
        "user_id": user["id"],
    }

    # The same person again, renamed on the host site: the same account, updated.
    again = await _exchange(client, _token(secret, name="Dana H."))
    assert again.json()["user"]["id"] == user["id"] and again.json()["user"]["display_name"] == "Dana H."


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"exp": int(time.time()) - 120}, "sso_expired"),
        ({"aud": "other-site"}, "sso_wrong_site"),
        ({"jti": None}, "sso_claims"),
        ({"exp": int(time.time()) + 7200}, "sso_too_long"),
    ],
)
async def test_bad_tokens_are_refused_with_a_clear_message(
    mail_client: tuple[Client, Inbox], settings: Settings, claims: dict[str, Any], code: str
) -> None:
    client, _inbox = mail_client
    secret = await _rotate(settings)
    refused = await _exchange(client, _token(secret, **claims))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == code
    assert refused.json()["error"]["message"]


async def test_wrong_signature_replay_and_unconfigured_sites(
    mail_client: tuple[Client, Inbox], settings: Settings
) -> None:
    client, _inbox = mail_client
    unconfigured = await _exchange(client, _token("whatever-" * 6))
    assert unconfigured.json()["error"]["code"] == "sso_not_configured"
    secret = await _rotate(settings)
    forged = await _exchange(client, _token("not-the-secret-" * 4))
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "sso_signature"
    token = _token(secret)
    assert (await _exchange(client, token)).status_code == 200
    replayed = await _exchange(client, token)
    assert replayed.status_code == 403 and replayed.json()["error"]["code"] == "sso_replayed"
    garbage = await _exchange(client, "not.a.jwt")
    assert garbage.status_code == 403
    bad_name = await _exchange(client, _token(secret, name="Admin"))
    assert bad_name.status_code == 400


async def test_rotation_keeps_the_previous_secret_valid_once(
    mail_client: tuple[Client, Inbox], settings: Settings
) -> None:
    client, _inbox = mail_client
    first = await _rotate(settings)
    second = await _rotate(settings)
    assert (await _exchange(client, _token(first))).status_code == 200
    assert (await _exchange(client, _token(second))).status_code == 200
    await _rotate(settings)
    retired = await _exchange(client, _token(first))
    assert retired.json()["error"]["code"] == "sso_signature"


async def test_names_taken_locally_are_numbered(
    mail_client: tuple[Client, Inbox], settings: Settings
) -> None:
    client, _inbox = mail_client
    secret = await _rotate(settings)
    one = await _exchange(client, _token(secret, sub="a", name="Sam Lee"))
    two = await _exchange(client, _token(secret, sub="b", name="Sam Lee"))
    assert one.json()["user"]["display_name"] == "Sam Lee"
    assert two.json()["user"]["display_name"] == "Sam Lee 2"
