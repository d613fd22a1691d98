"""Every write endpoint, for every kind of actor, gives the answer the permission table promises."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.conftest import Clock, Inbox
from tests.web.conftest import Client
from yoron.domain.accounts import Role, UserStatus
from yoron.services import accounts, profiles
from yoron.services.context import Context
from yoron.services.sites import do_update_site
from yoron.settings import Settings
from yoron.storage.repositories import open_database

PASSWORD = "correct horse battery"
ACTORS = ["guest", "reader", "author", "moderator", "admin", "suspended", "banned"]

# Expected status per actor; "author" wrote the comment the edits, votes and deletions aim at.
EXPECTED: dict[str, dict[str, int]] = {
    "post comment": {
        "guest": 201,
        "reader": 201,
        "author": 201,
        "moderator": 201,
        "admin": 201,
        "suspended": 403,
        "banned": 201,
    },
    "edit comment": {
        "guest": 403,
        "reader": 403,
        "author": 200,
        "moderator": 403,
        "admin": 403,
        "suspended": 403,
        "banned": 403,
    },
    "vote": {
        "guest": 200,
        "reader": 200,
        "author": 403,
        "moderator": 200,
        "admin": 200,
        "suspended": 403,
        "banned": 200,
    },
    "create thread": {
        "guest": 403,
        "reader": 403,
        "author": 403,
        "moderator": 403,
        "admin": 201,
        "suspended": 403,
        "banned": 403,
    },
    "delete comment": {
        "guest": 403,
        "reader": 403,
        "author": 200,
        "moderator": 403,
        "admin": 403,
        "suspended": 403,
        "banned": 403,
    },
    "report comment": {
        "guest": 200,
        "reader": 200,
        "author": 403,
        "moderator": 200,
        "admin": 200,
        "suspended": 403,
        "banned": 200,
    },
    "moderate comment": {
        "guest": 403,
        "reader": 403,
        "author": 403,
        "moderator": 200,
        "admin": 200,
        "suspended": 403,
        "banned": 403,
    },
    "sanction writer": {
        "guest": 403,
        "reader": 403,
        "author": 403,
        "moderator": 201,
        "admin": 201,
        "suspended": 403,
        "banned": 403,
    },
    "thread controls": {
        "guest": 403,
        "reader": 403,
        "author": 403,
        "moderator": 200,
        "admin": 200,
        "suspended": 403,
        "banned": 403,
    },
    "moderation policy": {
        "guest": 403,
        "reader": 403,
        "author": 403,
        "moderator": 403,
        "admin": 200,
        "suspended": 403,
        "banned": 403,
    },
    # PATCH /api/v1/sites/{slug}/users/{id}, aimed at the author's account.
    "change role": {
        "guest": 403,
        "reader": 403,
        "author": 403,
        "moderator": 403,
        "admin": 200,
        "suspended": 403,
        "banned": 403,
    },
    # DELETE /api/v1/auth/account, each actor its own, once every other write is done.
    "delete account": {
        "guest": 403,
        "reader": 200,
        "author": 200,
        "moderator": 200,
        "admin": 200,
        "suspended": 200,
        "banned": 403,
    },
}
# A banned account cannot sign in and its sessions end: it is left with what any guest may do,
# which the site's guest policy (and, with moderation, device and network bans) governs.


@pytest.fixture
async def people(mail_client: tuple[Client, Inbox], settings: Settings) -> dict[str, dict[str, str]]:
    client, _inbox = mail_client
    database = await open_database(settings.database_url)
    headers: dict[str, dict[str, str]] = {"guest": {}}
    try:
        ctx = Context(db=database, clock=Clock())
        roles = {
            "reader": Role.READER,
            "author": Role.READER,
            "moderator": Role.MODERATOR,
            "admin": Role.ADMIN,
            "suspended": Role.READER,
            "banned": Role.READER,
        }
        for actor, role in roles.items():
            await accounts.do_add_user(
                ctx, "news", f"{actor}@example.org", f"The {actor.title()}", PASSWORD, role
            )
        current = await do_update_site(ctx, "news", name=None, origins=None, policy=await _policy(ctx))
        assert not current.policy.auto_create_threads
        for actor in roles:
            signed = await client.post(
                "/api/v1/auth/signin",
                json={"site": "news", "email": f"{actor}@example.org", "password": PASSWORD},
            )
            headers[actor] = {"x-yoron-session": signed.json()["session_token"]}
        await profiles.do_set_status(ctx, "news", "suspended@example.org", UserStatus.SUSPENDED)
        signed = await client.post(
            "/api/v1/auth/signin",
            json={"site": "news", "email": "suspended@example.org", "password": PASSWORD},
        )
        headers["suspended"] = {"x-yoron-session": signed.json()["session_token"]}
        await profiles.do_set_status(ctx, "news", "banned@example.org", UserStatus.BANNED)
        refused = await client.post(
            "/api/v1/auth/signin", json={"site": "news", "email": "banned@example.org", "password": PASSWORD}
        )
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "banned"
    finally:
        await database.close()
    return headers


async def _policy(ctx: Context) -> Any:
    async with ctx.db.read() as tx:
        site = await tx.sites.by_slug("news")
    assert site is not None
    return replace(site.policy, auto_create_threads=False)


async def test_every_write_for_every_actor(
    mail_client: tuple[Client, Inbox], people: dict[str, dict[str, str]]
) -> None:
    client, _inbox = mail_client
    client.cookies.clear()
    admin = people["admin"]
    article = {"site": "news", "key": "perm", "title": "T", "url": "https://news.example/perm", "lead": "L."}
    thread = (await client.post("/api/v1/threads", json=article, headers=admin)).json()
    comments = f"/api/v1/threads/{thread['id']}/comments"
    seen: dict[str, dict[str, int]] = {action: {} for action in EXPECTED}
    author = (await client.get("/api/v1/auth/me", headers=people["author"])).json()["user"]
    account = f"/api/v1/sites/news/users/{author['id']}"
    for actor in ACTORS:
        target = (
            await client.post(
                comments, json={"body": f"the author's words for {actor}"}, headers=people["author"]
            )
        ).json()
        who = people[actor]
        post = await client.post(
            comments, json={"body": f"by {actor}", "author_name": "Guest Person"}, headers=who
        )
        seen["post comment"][actor] = post.status_code
        edit = await client.patch(f"/api/v1/comments/{target['id']}", json={"body": "changed"}, headers=who)
        seen["edit comment"][actor] = edit.status_code
        vote = await client.put(f"/api/v1/comments/{target['id']}/vote", json={"value": 1}, headers=who)
        seen["vote"][actor] = vote.status_code
        report = await client.post(
            f"/api/v1/comments/{target['id']}/report", json={"reason": "spam"}, headers=who
        )
        seen["report comment"][actor] = report.status_code
        decide = {"ids": [target["id"]], "action": "approve"}
        seen["moderate comment"][actor] = (
            await client.post("/api/v1/moderation/news/decisions", json=decide, headers=who)
        ).status_code
        warn = {"subject": "d:somebody", "kind": "warn", "reason": "tone"}
        seen["sanction writer"][actor] = (
            await client.post("/api/v1/moderation/news/sanctions", json=warn, headers=who)
        ).status_code
        seen["thread controls"][actor] = (
            await client.patch(
                f"/api/v1/moderation/news/threads/{thread['id']}", json={"notice": actor}, headers=who
            )
        ).status_code
        seen["moderation policy"][actor] = (
            await client.put("/api/v1/moderation/news/policy", json={}, headers=who)
        ).status_code
        new = dict(article, key=f"perm-{actor}")
        seen["create thread"][actor] = (
            await client.post("/api/v1/threads", json=new, headers=who)
        ).status_code
        seen["delete comment"][actor] = (
            await client.delete(f"/api/v1/comments/{target['id']}", headers=who)
        ).status_code
        seen["change role"][actor] = (
            await client.patch(account, json={"role": "reader"}, headers=who)
        ).status_code
        client.cookies.clear()  # each actor speaks only through its own header
    for actor in ACTORS:
        deleted = await client.request(
            "DELETE", "/api/v1/auth/account", json={"password": PASSWORD}, headers=people[actor]
        )
        seen["delete account"][actor] = deleted.status_code
    assert seen == EXPECTED
