"""Moderation over HTTP: reports, the nudge, the desk's API and pages, on both databases."""

from __future__ import annotations

import pytest

from tests.conftest import Clock, Inbox
from tests.web.conftest import Client
from tests.web.test_page import csrf_token
from yoron.domain.accounts import Role
from yoron.domain.moderation import ModerationPolicy
from yoron.services import accounts, moderation
from yoron.services.context import Context
from yoron.settings import Settings
from yoron.storage.repositories import open_database

PASSWORD = "correct horse battery"
ARTICLE = {"site": "news", "key": "m-1", "title": "Bridge", "url": "https://news.example/m-1", "lead": "L."}
POLICY = ModerationPolicy(banned_words=("scumbag",), suspect_words=("liar",), report_threshold=2)


@pytest.fixture
async def staff(mail_client: tuple[Client, Inbox], settings: Settings) -> dict[str, dict[str, str]]:
    """Session headers for a reader, a moderator and an admin of the site "news"."""
    client, _inbox = mail_client
    database = await open_database(settings.database_url)
    try:
        ctx = Context(db=database, clock=Clock())
        for who, role in (("reader", Role.READER), ("moderator", Role.MODERATOR), ("admin", Role.ADMIN)):
            await accounts.do_add_user(
                ctx, "news", f"{who}@example.org", f"The {who.title()}", PASSWORD, role
            )
        await moderation.do_set_policy(ctx, "news", POLICY, "test")
    finally:
        await database.close()
    headers: dict[str, dict[str, str]] = {"guest": {}}
    for who in ("reader", "moderator", "admin"):
        signed = await client.post(
            "/api/v1/auth/signin", json={"site": "news", "email": f"{who}@example.org", "password": PASSWORD}
        )
        headers[who] = {"x-yoron-session": signed.json()["session_token"]}
    client.cookies.clear()
    return headers


async def _post(
    client: Client, thread_id: int, body: str, device: str | None = None, **extra: object
) -> dict:
    headers = {"x-yoron-device": device} if device else {}
    response = await client.post(
        f"/api/v1/threads/{thread_id}/comments",
        json={"body": body, "author_name": "Pat", **extra},
        headers=headers,
    )
    return {
        "status": response.status_code,
        **response.json(),
        "device": response.headers.get("x-yoron-device"),
    }


async def test_readers_meet_the_pipeline_and_the_desk_clears_it(
    mail_client: tuple[Client, Inbox], staff: dict[str, dict[str, str]]
) -> None:
    client, _inbox = mail_client
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    client.cookies.clear()

    banned = await _post(client, thread["id"], "You scumbag.")
    assert banned["status"] == 400 and banned["error"]["code"] == "banned_word"
    assert "rephrase" in banned["error"]["message"]
    suspect = await _post(client, thread["id"], "That is a liar's argument.")
    assert suspect["status"] == 201 and suspect["state"] == "pending"
    good = await _post(client, thread["id"], "The bridge matters.")
    assert good["state"] == "published"

    queue_url = "/api/v1/moderation/news/queue"
    for who, status in (("guest", 403), ("reader", 403)):
        assert (await client.get(queue_url, headers=staff[who])).status_code == status
    assert (
        await client.get("/api/v1/moderation/nowhere/queue", headers=staff["moderator"])
    ).status_code == 404
    assert (
        await client.get(queue_url, params={"queue": "odd"}, headers=staff["moderator"])
    ).status_code == 400
    queue = (await client.get(queue_url, headers=staff["moderator"])).json()
    [item] = queue["items"]
    assert item["comment"]["id"] == suspect["id"] and item["thread_title"] == "Bridge"
    assert item["reasons"] == [{"check": "words", "code": "suspect_word", "detail": "liar"}]
    assert item["author_record"] == {"pending": 1, "published": 1}  # the same device wrote both
    counts = (await client.get("/api/v1/moderation/news/counts", headers=staff["moderator"])).json()
    assert counts == {"pending": 1, "reported": 0}

    decide = "/api/v1/moderation/news/decisions"
    bad = await client.post(
        decide, json={"ids": [suspect["id"]], "action": "explode"}, headers=staff["moderator"]
    )
    assert bad.status_code == 400
    approved = await client.post(
        decide,
        json={"ids": [suspect["id"]], "action": "approve", "reason": "fair"},
        headers=staff["moderator"],
    )
    assert approved.status_code == 200 and approved.json() == {"ids": [suspect["id"]], "action": "approve"}
    listed = (await client.get(f"/api/v1/threads/{thread['id']}/comments")).json()["items"]
    assert [c["id"] for c in listed] == [suspect["id"], good["id"]]

    for n, device in enumerate((None, None)):
        client.cookies.clear()
        reported = await client.post(
            f"/api/v1/comments/{good['id']}/report",
            json={"reason": "abuse", "note": f"n{n}"},
            headers={"x-yoron-device": device} if device else {},
        )
        assert reported.status_code == 200
    assert reported.json() == {"reports": 2, "held": True}
    bad_report = await client.post(f"/api/v1/comments/{good['id']}/report", json={"reason": "meh"})
    assert bad_report.status_code in (400, 404)

    audit = "/api/v1/moderation/news/audit"
    assert (await client.get(audit, headers=staff["moderator"])).status_code == 403
    entries = (await client.get(audit, headers=staff["admin"])).json()["items"]
    assert [e["action"] for e in entries][:3] == ["comment.held", "comment.approve", "comment.rejected"]
    assert entries[1]["reason"] == "fair" and entries[1]["actor"].startswith("The Moderator")


async def test_sanctions_notes_and_the_author_drawer(
    mail_client: tuple[Client, Inbox], staff: dict[str, dict[str, str]]
) -> None:
    client, _inbox = mail_client
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    client.cookies.clear()
    first = await _post(client, thread["id"], "First words.")
    device = first["device"]
    author = (await client.get("/api/v1/moderation/news/queue?queue=all", headers=staff["moderator"])).json()
    subject = author["items"][0]["author_key"]
    assert subject.startswith("d:")

    sanctions = "/api/v1/moderation/news/sanctions"
    past = await client.post(
        sanctions,
        json={"subject": subject, "kind": "suspend", "until": "2000-01-01T00:00:00Z"},
        headers=staff["moderator"],
    )
    assert past.status_code == 400 and past.json()["error"]["code"] == "until_past"
    warned = await client.post(
        sanctions, json={"subject": subject, "kind": "warn", "reason": "tone"}, headers=staff["moderator"]
    )
    assert warned.status_code == 201 and warned.json()["kind"] == "warn"
    refused = await _post(client, thread["id"], "Second words.", device)
    assert refused["status"] == 403 and refused["error"]["code"] == "warned"
    acknowledged = await client.post(
        "/api/v1/sites/news/warnings/acknowledge", json={}, headers={"x-yoron-device": device}
    )
    assert acknowledged.json() == {"acknowledged": 1}
    assert (await _post(client, thread["id"], "Second words.", device))["status"] == 201

    noted = await client.post(
        f"/api/v1/moderation/news/authors/{subject}/notes",
        json={"body": "Argues in good faith."},
        headers=staff["moderator"],
    )
    assert noted.status_code == 201 and noted.json()["notes"][0]["body"] == "Argues in good faith."
    ban = await client.post(
        sanctions,
        json={"subject": subject, "kind": "ban", "reason": "spam", "reject_comments": True},
        headers=staff["moderator"],
    )
    assert ban.json()["rejected_comments"] == 2
    history = (
        await client.get(f"/api/v1/moderation/news/authors/{subject}", headers=staff["moderator"])
    ).json()
    assert history["rejected"] == 2 and [s["kind"] for s in history["sanctions"]] == ["warn", "ban"]
    assert (await _post(client, thread["id"], "Third words.", device))["error"]["code"] == "banned"
    lifted = await client.post(
        f"{sanctions}/lift", json={"subject": subject, "kind": "ban"}, headers=staff["moderator"]
    )
    assert lifted.status_code == 200 and not lifted.json()["sanctions"][1]["active"]
    assert (await _post(client, thread["id"], "Fourth words.", device))["status"] == 201
    mod_key = "u:" + str(
        (await client.get("/api/v1/auth/me", headers=staff["moderator"])).json()["user"]["id"]
    )
    self_ban = await client.post(
        sanctions, json={"subject": mod_key, "kind": "ban"}, headers=staff["moderator"]
    )
    assert self_ban.status_code == 403


async def test_thread_controls_featured_and_policy(
    mail_client: tuple[Client, Inbox], staff: dict[str, dict[str, str]]
) -> None:
    client, _inbox = mail_client
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    client.cookies.clear()
    pick = await _post(client, thread["id"], "An insightful comment.")
    controls = f"/api/v1/moderation/news/threads/{thread['id']}"
    assert (await client.patch(controls, json={"notice": "x"}, headers=staff["reader"])).status_code == 403
    changed = await client.patch(
        controls, json={"notice": "Stay on topic.", "premoderated": True}, headers=staff["moderator"]
    )
    assert changed.status_code == 200
    held = await _post(client, thread["id"], "Held by the thread.")
    assert held["state"] == "pending"
    featured = await client.post(
        "/api/v1/moderation/news/decisions",
        json={"ids": [pick["id"]], "action": "feature"},
        headers=staff["moderator"],
    )
    assert featured.status_code == 200
    picks = (await client.get(f"/api/v1/threads/{thread['id']}/featured")).json()
    assert [c["id"] for c in picks] == [pick["id"]] and picks[0]["featured"] is True
    closed = await client.patch(controls, json={"state": "closed"}, headers=staff["moderator"])
    assert closed.json()["state"] == "closed"
    assert (await _post(client, thread["id"], "Too late."))["status"] == 409

    policy_url = "/api/v1/moderation/news/policy"
    assert (
        await client.put(policy_url, json={"max_links": 1}, headers=staff["moderator"])
    ).status_code == 403
    assert (
        await client.put(policy_url, json={"max_links": "many"}, headers=staff["admin"])
    ).status_code == 400
    assert (
        await client.put(policy_url, json={"toxicity_threshold": 3}, headers=staff["admin"])
    ).status_code == 400
    saved = await client.put(
        policy_url, json={"max_links": 1, "suspect_words": ["troll"]}, headers=staff["admin"]
    )
    assert saved.status_code == 200 and saved.json()["max_links"] == 1 and saved.json()["banned_words"] == []
    assert (await client.get(policy_url, headers=staff["moderator"])).json()["suspect_words"] == ["troll"]


async def test_the_desk_pages(mail_client: tuple[Client, Inbox], staff: dict[str, dict[str, str]]) -> None:
    client, _inbox = mail_client
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    client.cookies.clear()
    held = await _post(client, thread["id"], "Such a liar <b>here</b>.")
    index = await client.get("/desk", headers=staff["moderator"])
    assert index.status_code == 200 and 'href="/desk/news"' in index.text and "1 pending" in index.text
    assert 'href="/desk/news"' not in (await client.get("/desk", headers=staff["reader"])).text
    assert (await client.get("/desk")).status_code == 403
    refused = await client.get("/desk/news")
    assert refused.status_code == 403 and "Sign in" in refused.text
    page = await client.get("/desk/news", headers=staff["moderator"])
    assert page.status_code == 200 and f'id="item-{held["id"]}"' in page.text
    assert "suspect_word" in page.text and "<b>here</b>" not in page.text
    assert "(0 published · 0 rejected · 1 waiting)" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    token = csrf_token(page.text)
    acted = await client.post(
        "/desk/news/act",
        data={
            "ids": str(held["id"]),
            "action": "reject",
            "reason": "insult",
            "back": "/desk/news",
            "_csrf_token": token,
        },
        headers=staff["moderator"],
        follow_redirects=False,
    )
    assert acted.status_code == 303 and acted.headers["location"] == "/desk/news"
    no_csrf = await client.post(
        "/desk/news/act", data={"ids": str(held["id"]), "action": "approve"}, headers=staff["moderator"]
    )
    assert no_csrf.status_code == 403
    rejected = await client.get("/desk/news?queue=rejected", headers=staff["moderator"])
    assert f'id="item-{held["id"]}"' in rejected.text
    subject = (
        held["device"]
        and (await client.get("/api/v1/moderation/news/queue?queue=all", headers=staff["moderator"])).json()[
            "items"
        ][0]["author_key"]
    )
    drawer = await client.get(f"/desk/news/authors/{subject}?fragment=true", headers=staff["moderator"])
    assert drawer.status_code == 200 and "<html" not in drawer.text and "1 rejected" in drawer.text
    filtered = await client.get(f"/desk/news?queue=all&thread={thread['id']}", headers=staff["moderator"])
    assert 'class="thread-controls"' in filtered.text
    saved = await client.post(
        f"/desk/news/threads/{thread['id']}",
        data={"state": "closed", "premoderated": "1", "notice": "Back tomorrow.", "_csrf_token": token},
        headers=staff["moderator"],
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = (await client.get(f"/api/v1/threads/{thread['id']}")).json()
    assert (shown["state"], shown["premoderated"], shown["notice"]) == ("closed", True, "Back tomorrow.")
    odd = await client.post(
        f"/desk/news/threads/{thread['id']}",
        data={"state": "melted", "_csrf_token": token},
        headers=staff["moderator"],
    )
    assert odd.status_code == 400
    assert (await client.get("/desk/news/audit", headers=staff["moderator"])).status_code == 403
    audit = await client.get("/desk/news/audit", headers=staff["admin"])
    assert audit.status_code == 200 and "comment.reject" in audit.text and "insult" in audit.text


async def test_the_nudge_over_http(
    mail_client: tuple[Client, Inbox], staff: dict[str, dict[str, str]], settings: Settings
) -> None:
    pytest.importorskip("profanity_check")
    client, _inbox = mail_client
    saved = await client.put(
        "/api/v1/moderation/news/policy", json={"toxicity_threshold": 0.8}, headers=staff["admin"]
    )
    assert saved.status_code == 200
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    client.cookies.clear()
    rude = "You are a complete moron and your article is garbage."
    nudge = await _post(client, thread["id"], rude)
    assert nudge["status"] == 400 and nudge["error"]["code"] == "nudge"
    anyway = await _post(client, thread["id"], rude, None, nudged=True)
    assert anyway["status"] == 201 and anyway["state"] == "pending"
    queue = (await client.get("/api/v1/moderation/news/queue", headers=staff["moderator"])).json()
    assert [i["reasons"][0]["code"] for i in queue["items"]] == ["toxic_after_nudge"]


async def test_the_policy_page(mail_client: tuple[Client, Inbox], staff: dict[str, dict[str, str]]) -> None:
    client, _inbox = mail_client
    assert (await client.get("/desk/news/policy", headers=staff["moderator"])).status_code == 403
    page = await client.get("/desk/news/policy", headers=staff["admin"])
    assert page.status_code == 200 and "scumbag" in page.text
    form = {
        "banned_words": "scumbag\r\n  troll*  \r\n\r\nscumbag",
        "suspect_words": "liar",
        "max_links": "1",
        "hold_link_only": "1",
        "hold_new_commenters": "2",
        "repeat_window_minutes": "5",
        "min_length": "3",
        "report_threshold": "2",
        "auto_close_days": "7",
        "toxicity_threshold": "0",
        "check_url": "",
        "check_timeout_ms": "1500",
        "deleted_accounts": "remove",
        "_csrf_token": csrf_token(page.text),
    }
    saved = await client.post("/desk/news/policy", data=form, headers=staff["admin"], follow_redirects=False)
    assert saved.status_code == 303
    policy = (await client.get("/api/v1/moderation/news/policy", headers=staff["admin"])).json()
    assert policy["banned_words"] == ["scumbag", "troll*"] and policy["hold_new_commenters"] == 2
    assert policy["deleted_accounts"] == "remove" and policy["premoderate_all"] is False
    for field, value in (("max_links", "many"), ("toxicity_threshold", "2"), ("deleted_accounts", "burn")):
        refused = await client.post("/desk/news/policy", data={**form, field: value}, headers=staff["admin"])
        assert refused.status_code == 400 and "Not saved" in refused.text, field
    unchanged = (await client.get("/api/v1/moderation/news/policy", headers=staff["admin"])).json()
    assert unchanged == policy
