"""A site's admins manage its accounts: the JSON API and the /admin/{site}/users page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Clock, Inbox
from tests.web.conftest import Client
from tests.web.test_page import csrf_token
from yoron.domain.accounts import Role
from yoron.domain.moderation import AuditEntry
from yoron.services import accounts
from yoron.services.context import Context
from yoron.settings import Settings
from yoron.storage.repositories import open_database

PASSWORD = "correct horse battery"
PEOPLE = {
    "admin": Role.ADMIN,
    "moderator": Role.MODERATOR,
    "ann": Role.READER,
    "bob": Role.READER,
    "cyd": Role.READER,
}


@pytest.fixture
async def site_people(mail_client: tuple[Client, Inbox], settings: Settings) -> dict[str, int]:
    """Accounts on news (and an admin of strict, another site); name -> user id."""
    database = await open_database(settings.database_url)
    ids: dict[str, int] = {}
    try:
        ctx = Context(db=database, clock=Clock())
        for name, role in PEOPLE.items():
            user = await accounts.do_add_user(
                ctx, "news", f"{name}@example.org", f"{name.title()} Person", PASSWORD, role
            )
            ids[name] = user.id
        other = await accounts.do_add_user(
            ctx, "strict", "boss@example.org", "Boss Person", PASSWORD, Role.ADMIN
        )
        ids["other_admin"] = other.id
    finally:
        await database.close()
    return ids


async def _session(client: Client, email: str, site: str = "news") -> dict[str, str]:
    signed = await client.post(
        "/api/v1/auth/signin", json={"site": site, "email": email, "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    return {"x-yoron-session": signed.json()["session_token"]}


async def _audit(settings: Settings, site_id: int) -> list[AuditEntry]:
    database = await open_database(settings.database_url)
    try:
        async with database.read() as tx:
            return await tx.moderation.audit_log(site_id, None, 2)
    finally:
        await database.close()


async def test_admins_list_search_and_change_accounts_over_the_api(
    mail_client: tuple[Client, Inbox], site_people: dict[str, int], settings: Settings
) -> None:
    client, _inbox = mail_client
    admin = await _session(client, "admin@example.org")
    client.cookies.clear()
    users = "/api/v1/sites/news/users"

    listed = await client.get(users, headers=admin)
    assert listed.status_code == 200 and listed.headers["cache-control"] == "private, no-store"
    names = [u["display_name"] for u in listed.json()["items"]]
    assert names == ["Cyd Person", "Bob Person", "Ann Person", "Moderator Person", "Admin Person"]
    first = (await client.get(f"{users}?limit=2", headers=admin)).json()
    rest = (await client.get(f"{users}?limit=2&cursor={first['next_cursor']}", headers=admin)).json()
    assert [u["id"] for u in first["items"] + rest["items"]] == [
        site_people[n] for n in ("cyd", "bob", "ann", "moderator")
    ]
    found = (await client.get(f"{users}?q=BOB@", headers=admin)).json()
    assert [(u["email"], u["role"], u["status"]) for u in found["items"]] == [
        ("bob@example.org", "reader", "active")
    ]
    assert (await client.get(f"{users}?q=100%25", headers=admin)).json()["items"] == []
    assert (await client.get(f"{users}?cursor=x", headers=admin)).status_code == 400

    bob = await _session(client, "bob@example.org")
    client.cookies.clear()
    promoted = await client.patch(f"{users}/{site_people['bob']}", json={"role": "moderator"}, headers=admin)
    assert promoted.status_code == 200 and promoted.json()["role"] == "moderator"
    banned = await client.patch(f"{users}/{site_people['bob']}", json={"status": "banned"}, headers=admin)
    assert banned.json()["status"] == "banned"
    assert (await client.get("/api/v1/auth/me", headers=bob)).json() == {"user": None}
    newest, older = await _audit(settings, 1)
    assert (newest.action, newest.target, newest.details) == (
        "user.status",
        f"u:{site_people['bob']}",
        {"old": "active", "new": "banned"},
    )
    assert (older.action, older.details) == ("user.role", {"old": "reader", "new": "moderator"})
    assert newest.actor == f"Admin Person (u:{site_people['admin']})"

    refusals = [
        (f"{users}/{site_people['ann']}", {"role": "operator"}, 400, "role_invalid"),
        (f"{users}/{site_people['ann']}", {"role": "boss"}, 400, "invalid_request"),
        (f"{users}/{site_people['ann']}", {}, 400, "nothing_to_change"),
        (f"{users}/{site_people['admin']}", {"role": "reader"}, 403, "own_account"),
        (f"{users}/{site_people['other_admin']}", {"role": "reader"}, 404, "user_not_found"),
        (f"/api/v1/sites/nowhere/users/{site_people['ann']}", {"role": "reader"}, 404, "site_not_found"),
    ]
    for path, body, status, code in refusals:
        answer = await client.patch(path, json=body, headers=admin)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), path
    assert len(await _audit(settings, 1)) == 2 and (await _audit(settings, 1))[0].id == newest.id


async def test_only_the_sites_admins_get_in(
    mail_client: tuple[Client, Inbox], site_people: dict[str, int]
) -> None:
    client, _inbox = mail_client
    who = {
        "guest": {},
        "reader": await _session(client, "ann@example.org"),
        "moderator": await _session(client, "moderator@example.org"),
        "admin of another site": await _session(client, "boss@example.org", "strict"),
    }
    client.cookies.clear()
    for name, headers in who.items():
        listed = await client.get("/api/v1/sites/news/users", headers=headers)
        changed = await client.patch(
            f"/api/v1/sites/news/users/{site_people['cyd']}", json={"role": "admin"}, headers=headers
        )
        assert (listed.status_code, changed.status_code) == (403, 403), name
    assert (await client.get("/api/v1/sites/nowhere/users")).status_code == 404


async def test_the_admin_page_changes_a_role_with_the_form(
    mail_client: tuple[Client, Inbox], site_people: dict[str, int]
) -> None:
    client, _inbox = mail_client
    signed_out = await client.get("/admin/news/users")
    assert signed_out.status_code == 403 and "Sign in" in signed_out.text
    assert (await client.get("/admin/nowhere/users")).status_code == 404

    await _session(client, "moderator@example.org")  # the cookie
    refused = await client.get("/admin/news/users")
    assert refused.status_code == 403 and "Only News&#39;s admins manage its accounts." in refused.text
    assert "<table" not in refused.text

    await _session(client, "admin@example.org")
    page = await client.get("/admin/news/users")
    assert page.status_code == 200 and "Accounts of News" in page.text
    assert "content-security-policy" in page.headers and "<script" not in page.text
    assert (
        "ann@example.org" in page.text
        and f'action="/admin/news/users/{site_people["admin"]}"' not in page.text
    )
    assert '<option value="operator"' not in page.text
    token = csrf_token(page.text)
    form = {"role": "moderator", "status": "active", "q": "ann"}
    target = f"/admin/news/users/{site_people['ann']}"
    assert (await client.post(target, data=form)).status_code == 403  # no CSRF token
    saved = await client.post(target, data={**form, "_csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    assert (
        saved.headers["location"]
        == f"/admin/news/users?q=ann&saved={site_people['ann']}#u{site_people['ann']}"
    )
    shown = await client.get(saved.headers["location"])
    assert "Saved." in shown.text and "bob@example.org" not in shown.text
    row = re.search(rf'<tr id="u{site_people["ann"]}">.*?</tr>', shown.text, re.S)
    assert row and '<option value="moderator" selected>' in row.group(0)

    own = await client.post(
        f"/admin/news/users/{site_people['admin']}", data={"role": "reader", "_csrf_token": token}
    )
    assert own.status_code == 403 and "your own role" in own.text
