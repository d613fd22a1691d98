"""Moderation on the discussion page without JavaScript: refusals, the nudge, held comments,
reports, warnings, the pinned notice and editors' picks."""

from __future__ import annotations

import pytest

from tests.conftest import Clock
from tests.web.test_page import ARTICLE, Client, csrf_token
from yoron.domain.accounts import Role
from yoron.domain.moderation import Decide, ModerationPolicy, Queue, QueueFilter, SanctionKind
from yoron.services import accounts, moderation
from yoron.services.context import Context
from yoron.settings import Settings
from yoron.storage.repositories import open_database

POLICY = ModerationPolicy(banned_words=("scumbag",), suspect_words=("liar",), report_threshold=1)


async def _as_moderator(settings: Settings, act: object) -> None:
    database = await open_database(settings.database_url)
    try:
        ctx = Context(db=database, clock=Clock(now=2_000_000_000_000))
        site = await moderation.do_set_policy(ctx, "news", POLICY, "test")
        user = await accounts.do_add_user(
            ctx, "news", "m@example.org", "Desk Person", "long password!", Role.MODERATOR
        )
        await act(ctx, moderation.Moderator(user, site))  # type: ignore[operator]
    finally:
        await database.close()


async def _post(client: Client, thread_id: int, body: str, **extra: str) -> tuple[int, str, str]:
    token = csrf_token((await client.get(f"/t/{thread_id}")).text)
    response = await client.post(
        f"/t/{thread_id}/comments",
        data={"body": body, "author_name": "Ann", "_csrf_token": token, **extra},
        follow_redirects=False,
    )
    return response.status_code, response.headers.get("location", ""), response.text


async def test_refusals_holds_and_reports_on_the_page(
    client: Client, site_key: str, settings: Settings
) -> None:
    await _as_moderator(settings, lambda ctx, moderator: _noop())
    thread_id = (await client.post("/api/v1/threads", json=ARTICLE)).json()["id"]
    status, _where, html = await _post(client, thread_id, "What a scumbag.")
    assert status == 400 and "does not allow" in html and "What a scumbag." in html
    status, where, _html = await _post(client, thread_id, "The mayor is a liar.")
    assert status == 303 and where == f"/t/{thread_id}?held=true"
    page = (await client.get(where)).text
    assert "waits for a moderator" in page and "Your comments awaiting a moderator" in page
    mine = (await client.get(f"/api/v1/threads/{thread_id}/me")).json()["held"]
    assert [(c["state"], c["html"]) for c in mine] == [("pending", "<p>The mayor is a liar.</p>")]
    client.cookies.clear()
    assert "The mayor is a liar." not in (await client.get(where)).text

    status, where, _html = await _post(client, thread_id, "A fair point on the bridge.")
    comment_id = int(where.rsplit("#c", 1)[1])
    client.cookies.clear()
    token = csrf_token((await client.get(f"/t/{thread_id}")).text)
    bad = await client.post(
        f"/t/{thread_id}/report/{comment_id}", data={"reason": "meh", "_csrf_token": token}
    )
    assert bad.status_code == 400
    reported = await client.post(
        f"/t/{thread_id}/report/{comment_id}",
        data={"reason": "abuse", "note": "rude", "_csrf_token": token},
        follow_redirects=False,
    )
    assert reported.status_code == 303 and reported.headers["location"].endswith("?reported=true")
    assert "A fair point on the bridge." not in (await client.get(f"/t/{thread_id}")).text


async def _noop() -> None:
    return None


async def test_the_nudge_then_post_anyway(client: Client, site_key: str, settings: Settings) -> None:
    pytest.importorskip("profanity_check")
    database = await open_database(settings.database_url)
    try:
        ctx = Context(db=database, clock=Clock())
        await moderation.do_set_policy(ctx, "news", ModerationPolicy(toxicity_threshold=0.8), "test")
    finally:
        await database.close()
    thread_id = (await client.post("/api/v1/threads", json=ARTICLE)).json()["id"]
    rude = "You are a complete moron and your article is garbage."
    status, _where, html = await _post(client, thread_id, rude)
    assert status == 400 and "Before you post:" in html and "Post anyway" in html
    assert 'name="nudged" value="1"' in html
    status, where, _html = await _post(client, thread_id, rude, nudged="1")
    assert status == 303 and where.endswith("?held=true")


async def test_warnings_notices_and_picks(client: Client, site_key: str, settings: Settings) -> None:
    thread_id = (await client.post("/api/v1/threads", json=ARTICLE)).json()["id"]
    _status, where, _html = await _post(client, thread_id, "An insightful comment.")
    pick = int(where.rsplit("#c", 1)[1])

    async def act(ctx: Context, moderator: moderation.Moderator) -> None:
        assert await moderation.featured(ctx, thread_id) == []
        await moderation.do_decide(ctx, moderator, [pick], Decide.FEATURE, None)
        await moderation.do_thread_controls(ctx, moderator, thread_id, notice="Keep it civil <please>.")
        items = await moderation.queue(ctx, moderator, QueueFilter(Queue.ALL), None, 5)
        await moderation.do_sanction(ctx, moderator, items[0].comment.owner, SanctionKind.WARN, "tone")

    await _as_moderator(settings, act)
    page = (await client.get(f"/t/{thread_id}")).text
    assert "Keep it civil &lt;please&gt;." in page and "Editors' picks" in page
    status, _where, html = await _post(client, thread_id, "Another thought.")
    assert status == 403 and "A moderator warned you: tone" in html and "I have read the warning" in html
    token = csrf_token(html)
    acknowledged = await client.post(
        f"/t/{thread_id}/acknowledge", data={"_csrf_token": token}, follow_redirects=False
    )
    assert acknowledged.status_code == 303
    status, _where, _html = await _post(client, thread_id, "Another thought.")
    assert status == 303
