"""The moderators' desk in Chromium: a moderator clears 100 mixed held comments by keyboard alone,
with single and bulk actions and a ban, and the audit log then holds every decision."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, Api, Sites
from tests.conftest import Clock
from tests.servers import yoron
from yoron.bootstrap import run_sync
from yoron.domain.accounts import Role
from yoron.services import accounts
from yoron.services.context import Context
from yoron.storage.repositories import open_database

SLUG = "desk"
PASSWORD = "correct horse battery"
POLICY = {
    "suspect_words": ["liar", "idiot*"],
    "hold_new_commenters": 1,
    "max_links": 1,
    "report_threshold": 2,
}


def _add_moderator(sites: Sites) -> None:
    async def add() -> None:
        database = await open_database(sites.database_url)
        try:
            ctx = Context(db=database, clock=Clock(now=0))
            await accounts.do_add_user(
                ctx, SLUG, "editor@example.org", "Desk Editor", PASSWORD, Role.MODERATOR
            )
        finally:
            await database.close()

    run_sync(add)


def _post(seed: Api, thread_id: int, body: str, name: str, device: str | None = None) -> dict[str, object]:
    seed.client.cookies.clear()
    response = seed.client.post(
        f"/api/v1/threads/{thread_id}/comments",
        json={"body": body, "author_name": name},
        headers={"x-yoron-device": device} if device else {},
    )
    assert response.status_code == 201, response.text
    return {**response.json(), "device": response.headers.get("x-yoron-device", device)}


def _seed_queue(sites: Sites, seed: Api) -> tuple[int, set[int]]:
    """100 held comments: 10 reported by two readers, 20 from one link spammer, 50 first-timers,
    20 with suspect words. Returns the thread and the held ids."""
    yoron(["site", "add", SLUG, "--origin", sites.news], sites.database_url)
    thread = seed.thread("desk-article", site=SLUG)["id"]
    early = [
        _post(seed, thread, f"An early view on the warehouses, number {n}.", f"Early {n}") for n in range(10)
    ]
    yoron(["site", "moderation", SLUG, json.dumps(POLICY)], sites.database_url)
    for comment in early:
        for reader in range(2):
            seed.client.cookies.clear()
            reported = seed.client.post(
                f"/api/v1/comments/{comment['id']}/report",
                json={"reason": "abuse", "note": f"reader {reader}"},
            )
            assert reported.status_code == 200, reported.text
    held = {int(str(c["id"])) for c in early}
    spam = _post(seed, thread, "Cheap watches https://spam.example/0 https://spam.example/x", "Deals")
    device = str(spam["device"])
    held.add(int(str(spam["id"])))
    for n in range(1, 20):
        held.add(
            int(str(_post(seed, thread, f"Cheap watches https://spam.example/{n}", "Deals", device)["id"]))
        )
    for n in range(50):
        held.add(
            int(
                str(_post(seed, thread, f"First time here: the library plan {n} is sound.", f"New {n}")["id"])
            )
        )
    for n in range(10):
        writer = _post(seed, thread, f"The councillor is a liar about the roof, part {n}.", f"Sharp {n}")
        held.add(int(str(writer["id"])))
        again = _post(
            seed, thread, f"Only an idiot would fund repair {n}.", f"Sharp {n}", str(writer["device"])
        )
        held.add(int(str(again["id"])))
    assert len(held) == 100
    return thread, held


def _items(page: Page) -> int:
    return page.locator("#queue > li.item").count()


def _press(page: Page, key: str, remaining: int) -> None:
    page.keyboard.press(key)
    expect(page.locator("#queue > li.item")).to_have_count(remaining)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()  # ends the desk's live stream, so the server can stop


def test_a_moderator_clears_a_queue_of_100_by_keyboard(page: Page, sites: Sites, seed: Api) -> None:
    thread, held = _seed_queue(sites, seed)
    _add_moderator(sites)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{sites.yoron}/auth/signin?site={SLUG}&next=/desk/{SLUG}")
    page.get_by_label("Email").fill("editor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{sites.yoron}/desk/{SLUG}")
    expect(page.locator("#queue > li.item")).to_have_count(100)
    expect(page.locator("#pending-count")).to_have_text("100")
    page.screenshot(path=str(ARTIFACTS / "desk-queue.png"))

    # j down to the link spammer's newest comment, then b: ban, with their 20 comments rejected.
    spam_index = next(
        i
        for i, text in enumerate(page.locator("#queue > li.item .body").all_inner_texts())
        if "spam.example" in text
    )
    for _ in range(spam_index):
        page.keyboard.press("j")
    expect(page.locator("#queue > li.item.current")).to_contain_text("Cheap watches")
    page.keyboard.press("b")
    expect(page.locator("#confirm-text")).to_have_text(
        "Ban 1 author and reject 20 comments in this queue (and any other open comments of theirs)?"
    )
    page.keyboard.type("link spam")
    _press(page, "Enter", 80)
    page.keyboard.press("Home")

    # x selects and moves on; A approves the selection after a confirmation that counts it.
    for _ in range(30):
        page.keyboard.press("x")
    expect(page.locator("#queue > li.item.selected")).to_have_count(30)
    page.keyboard.press("Shift+A")
    expect(page.locator("#confirm-text")).to_contain_text("Approve 30 comments by")
    page.screenshot(path=str(ARTIFACTS / "desk-bulk-confirm.png"))
    _press(page, "Enter", 50)

    for remaining in range(49, 39, -1):
        _press(page, "a", remaining)
    for remaining in range(39, 34, -1):
        page.keyboard.press("r")
        expect(page.locator("#confirm")).to_be_visible()
        page.keyboard.type("insult")
        _press(page, "Enter", remaining)

    page.keyboard.press("u")
    expect(page.locator("#drawer h2")).to_contain_text("Author")
    page.keyboard.press("Escape")
    expect(page.locator("#drawer")).to_be_hidden()

    for _ in range(35):
        page.keyboard.press("x")
    expect(page.locator("#queue > li.item.selected")).to_have_count(35)
    page.keyboard.press("Shift+R")
    expect(page.locator("#confirm-text")).to_contain_text("Reject 35 comments by")
    page.keyboard.type("off topic")
    _press(page, "Enter", 0)
    expect(page.locator("#queue-empty")).to_be_visible()
    expect(page.locator("#pending-count")).to_have_text("0", timeout=10_000)
    assert not errors

    # The audit log holds a decision for each of the 100 comments, and the ban.
    audit = page.request.get(f"{sites.yoron}/api/v1/moderation/{SLUG}/audit?limit=500")
    assert audit.status == 403  # a moderator, not an admin
    run_sync(lambda: _promote(sites))
    entries = page.request.get(f"{sites.yoron}/api/v1/moderation/{SLUG}/audit?limit=500").json()["items"]
    decisions = ("comment.approve", "comment.reject")
    decided = [(int(e["target"][2:]), e["action"]) for e in entries if e["action"] in decisions]
    assert sorted(comment for comment, _action in decided) == sorted(held)
    actions = [action for _comment, action in decided]
    assert actions.count("comment.approve") == 40 and actions.count("comment.reject") == 60
    assert [e["action"] for e in entries].count("user.ban") == 1
    page.goto(f"{sites.yoron}/desk/{SLUG}/audit")
    assert len(entries) > 100  # one page of the log, and a link to the rest
    expect(page.locator("table.audit tbody tr")).to_have_count(100)
    page.get_by_role("link", name="Older").click()
    expect(page.locator("table.audit tbody tr")).to_have_count(len(entries) - 100)
    page.screenshot(path=str(ARTIFACTS / "desk-audit.png"))
    listing = seed.client.get(f"/api/v1/threads/{thread}/comments?limit=200").json()["items"]
    assert len(listing) == 40 + len([c for c in listing if c["state"] != "published"])


async def _promote(sites: Sites) -> None:
    database = await open_database(sites.database_url)
    try:
        ctx = Context(db=database, clock=Clock(now=0))
        await accounts.do_set_role(ctx, SLUG, "editor@example.org", Role.ADMIN)
    finally:
        await database.close()
