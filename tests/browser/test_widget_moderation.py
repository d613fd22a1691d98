"""Moderation as readers meet it in the widget: reporting, the nudge, refusals in the server's
words, held comments, the moderators' notice, editors' picks, tombstones and warnings.

The moderator's side goes through the moderation API, signed in as a moderator of the site
``civil``; policies are set with ``yoron site moderation``, as an operator would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, expect

from tests.browser.conftest import Api, Reader, ReaderFactory, Sites
from tests.browser.test_widget import item
from tests.conftest import Clock
from tests.servers import yoron
from yoron.bootstrap import run_sync
from yoron.domain.accounts import Role
from yoron.services import accounts
from yoron.services.context import Context
from yoron.storage.repositories import open_database

SLUG = "civil"
EMAIL = "moderator@civil.example"
PASSWORD = "a civil moderator's password"
TOXIC = "You are a complete moron and your article is garbage."


class Desk:
    """A moderator of ``civil`` at work, through the moderation API."""

    def __init__(self, sites: Sites, session: str) -> None:
        self.sites = sites
        self.client = httpx.Client(
            base_url=sites.yoron.replace("localhost", "127.0.0.1"),
            headers={"x-yoron-session": session},
            timeout=10,
        )

    def policy(self, **policy: Any) -> None:
        """Replace the site's moderation policy (fields left out take their defaults)."""
        yoron(["site", "moderation", SLUG, json.dumps(policy)], self.sites.database_url)

    def controls(self, thread_id: int, **changes: Any) -> None:
        response = self.client.patch(f"/api/v1/moderation/{SLUG}/threads/{thread_id}", json=changes)
        assert response.status_code == 200, response.text

    def decide(self, comment_id: int, action: str) -> None:
        response = self.client.post(
            f"/api/v1/moderation/{SLUG}/decisions", json={"ids": [comment_id], "action": action}
        )
        assert response.status_code == 200, response.text

    def queue(self, name: str, thread_id: int) -> list[dict[str, Any]]:
        response = self.client.get(
            f"/api/v1/moderation/{SLUG}/queue", params={"queue": name, "thread": thread_id}
        )
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    def warn(self, subject: str, reason: str) -> None:
        response = self.client.post(
            f"/api/v1/moderation/{SLUG}/sanctions",
            json={"subject": subject, "kind": "warn", "reason": reason},
        )
        assert response.status_code == 201, response.text


@pytest.fixture(scope="module")
def desk(sites: Sites) -> Iterator[Desk]:
    yoron(["site", "add", SLUG, "--origin", sites.news], sites.database_url)

    async def add_moderator() -> None:
        database = await open_database(sites.database_url)
        try:
            ctx = Context(db=database, clock=Clock(now=0))
            await accounts.do_add_user(ctx, SLUG, EMAIL, "Civil Moderator", PASSWORD, Role.MODERATOR)
        finally:
            await database.close()

    run_sync(add_moderator)
    signed_in = httpx.post(
        f"{sites.yoron}/api/v1/auth/signin", json={"email": EMAIL, "password": PASSWORD, "site": SLUG}
    )
    assert signed_in.status_code == 200, signed_in.text
    moderator = Desk(sites, signed_in.json()["session_token"])
    yield moderator
    moderator.client.close()


def open_civil(reader: Reader, key: str) -> Locator:
    return reader.open(key, site=SLUG)


def write(widget: Locator, body: str, name: str = "Nora") -> Locator:
    """Fill the main composer and press Post; return the composer."""
    form = widget.locator(".top form")
    name_field = form.get_by_label("Your name")
    if name_field.count():
        name_field.fill(name)
    form.get_by_label("Comment", exact=True).fill(body)
    form.get_by_role("button", name="Post", exact=True).click()
    return form


def report(reader: Reader, comment: Locator, reason: str, note: str = "") -> dict[str, Any]:
    """Report ``comment`` from the widget; return the server's answer."""
    comment.get_by_role("button", name="Report").click()
    form = comment.locator("form")
    expect(form.get_by_label("Reason")).to_be_focused()
    form.get_by_label("Reason").select_option(label=reason)
    form.get_by_label("Note for the moderators (optional)").fill(note)
    with reader.page.expect_response(lambda r: r.url.endswith("/report")) as answered:
        form.get_by_role("button", name="Send report").click()
    expect(comment.get_by_text("Reported. Thank you.")).to_be_visible()
    expect(comment.get_by_role("button", name="Report")).to_have_count(0)
    expect(comment.locator("article")).to_be_focused()
    return dict(answered.value.json())


def test_two_readers_report_a_comment_and_it_is_held(
    desk: Desk, new_reader: ReaderFactory, seed: Api, key: str
) -> None:
    desk.policy(report_threshold=2)
    thread = seed.thread(key, site=SLUG)
    rumour, _ = seed.comment(thread["id"], "The roof money went to the mayor's cousin.", "Vic")

    first = new_reader()
    widget = open_civil(first, key)
    write(widget, "Nobody has shown that.")
    # One's own comment offers no Report.
    expect(item(widget, "Nobody has shown that.").get_by_role("button", name="Report")).to_have_count(0)
    answer = report(first, item(widget, "mayor's cousin"), "Misinformation", "The accounts are public.")
    assert answer == {"reports": 1, "held": False}
    first.shot("report")

    second = new_reader()
    widget = open_civil(second, key)
    # Escape closes the report form and gives the focus back to its button.
    button = item(widget, "mayor's cousin").get_by_role("button", name="Report")
    button.click()
    second.page.keyboard.press("Escape")
    expect(button).to_be_focused()
    assert report(second, item(widget, "mayor's cousin"), "Spam") == {"reports": 2, "held": True}

    reported = {entry["comment"]["id"]: entry for entry in desk.queue("reported", thread["id"])}
    assert sorted(r["reason"] for r in reported[rumour["id"]]["reports"]) == ["misinformation", "spam"]
    assert "The accounts are public." in [r["note"] for r in reported[rumour["id"]]["reports"]]

    widget = open_civil(new_reader(), key)
    expect(widget.get_by_role("heading", name="Comments (1)")).to_be_visible()
    expect(item(widget, "mayor's cousin")).to_have_count(0)


def test_nudge_then_post_anyway_awaits_moderation(
    desk: Desk, new_reader: ReaderFactory, seed: Api, key: str
) -> None:
    pytest.importorskip("profanity_check")
    desk.policy(toxicity_threshold=0.8)
    thread = seed.thread(key, site=SLUG)
    writer = new_reader()
    widget = open_civil(writer, key)

    form = write(widget, TOXIC)
    error = form.get_by_role("alert")
    expect(error).to_contain_text("Would you like to rephrase it?")
    expect(widget.locator("li.c")).to_have_count(0)
    writer.shot("nudge")
    error.get_by_role("button", name="Post anyway").click()
    held = item(widget, "complete moron")
    expect(held).to_contain_text("Awaiting moderation")
    expect(held.locator("article")).to_be_focused()
    expect(widget.get_by_role("heading", name="Comments (0)")).to_be_visible()
    expect(held.get_by_role("button", name="Reply")).to_have_count(0)
    writer.shot("awaiting-moderation")

    # An edit into offensive words is nudged too, and once saved anyway goes back to the queue.
    write(widget, "I disagree: the roof will cost too much.")
    expect(widget.get_by_role("heading", name="Comments (1)")).to_be_visible()
    mine = item(widget, "I disagree")
    mine.get_by_role("button", name="Edit").click()
    mine.get_by_label("Edit your comment").fill(TOXIC.replace("complete", "total"))
    mine.get_by_role("button", name="Save").click()
    mine.get_by_role("button", name="Post anyway").click()
    edited = item(widget, "total moron")
    expect(edited).to_contain_text("Awaiting moderation")
    expect(widget.get_by_role("heading", name="Comments (0)")).to_be_visible()

    pending = [entry["comment"]["id"] for entry in desk.queue("pending", thread["id"])]
    assert len(pending) == 2
    # After a reload the writer still sees both, marked as waiting; nobody else sees them.
    widget = open_civil(writer, key)
    expect(item(widget, "complete moron")).to_contain_text("Awaiting moderation")
    expect(item(widget, "total moron")).to_contain_text("Awaiting moderation")
    widget = open_civil(new_reader(), key)
    expect(widget.get_by_text("No comments yet.")).to_be_visible()


def test_a_refusal_shows_the_servers_message(desk: Desk, reader: Reader, seed: Api, key: str) -> None:
    desk.policy(banned_words=["scumbag"])
    seed.thread(key, site=SLUG)
    widget = open_civil(reader, key)
    form = write(widget, "Only a scumbag would vote for this.")
    expect(form.get_by_role("alert")).to_have_text(
        "Your comment uses words this site does not allow. Please rephrase it."
    )
    expect(form.get_by_role("button", name="Post anyway")).to_have_count(0)
    expect(form.get_by_label("Comment", exact=True)).to_have_value("Only a scumbag would vote for this.")
    expect(widget.locator("li.c")).to_have_count(0)


def test_notice_picks_tombstones_and_premoderation(desk: Desk, reader: Reader, seed: Api, key: str) -> None:
    desk.policy()
    thread = seed.thread(key, site=SLUG)
    removed, _ = seed.comment(thread["id"], "Something a moderator will remove.", "Ulla")
    seed.comment(thread["id"], "An answer that stays.", "Ravi", parent_id=removed["id"])
    picked, _ = seed.comment(thread["id"], "The 1911 plans show a reading room upstairs.", "Ines")
    seed.comment(thread["id"], "Nice.", "Omar")
    desk.decide(removed["id"], "reject")
    desk.decide(picked["id"], "feature")
    notice = "Keep to the library plans. <b>No</b> personal attacks."
    desk.controls(thread["id"], notice=notice, premoderated=True)

    widget = open_civil(reader, key)
    # The notice is text: the markup in it is shown, not obeyed.
    pinned = widget.get_by_role("note")
    expect(pinned).to_have_text(f"From the moderators: {notice}")
    expect(pinned.locator("b")).to_have_count(0)

    picks_tab = widget.get_by_role("button", name="Editors' picks")
    all_tab = widget.get_by_role("button", name="All comments")
    expect(picks_tab).to_have_attribute("aria-pressed", "true")
    picks = widget.get_by_role("list", name="Editors' picks")
    expect(picks.locator("li.c")).to_have_count(1)
    expect(picks).to_contain_text("reading room upstairs")
    expect(widget.locator("ol.list")).to_be_hidden()
    picks.get_by_role("button", name="Report").click()  # its form open, for axe
    violations = Axe().run(reader.page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    reader.shot("editors-picks")

    all_tab.focus()
    reader.page.keyboard.press("Enter")
    expect(all_tab).to_have_attribute("aria-pressed", "true")
    expect(picks_tab).to_have_attribute("aria-pressed", "false")
    expect(picks).to_be_hidden()
    listing = widget.locator("ol.list")
    expect(item(listing, "reading room").locator(".pick")).to_have_text("Editors' pick")
    expect(item(listing, "Nice.").locator(".pick")).to_have_count(0)
    expect(widget.get_by_text("This comment was removed by a moderator.")).to_be_visible()
    expect(widget.get_by_text("Something a moderator will remove.")).to_have_count(0)
    expect(item(widget, "An answer that stays.")).to_be_visible()

    # A pre-moderated thread says so, and a new comment waits for a moderator.
    picks_tab.click()
    expect(widget.get_by_text("A moderator reviews comments here before they appear.")).to_be_visible()
    write(widget, "Will the reading room open on Sundays?")
    expect(all_tab).to_have_attribute("aria-pressed", "true")
    expect(item(widget, "on Sundays")).to_contain_text("Awaiting moderation")
    expect(widget.get_by_role("heading", name="Comments (3)")).to_be_visible()
    reader.shot("moderation-notice")


def test_a_warned_writer_acknowledges_and_comments_again(
    desk: Desk, reader: Reader, seed: Api, key: str
) -> None:
    desk.policy()
    thread = seed.thread(key, site=SLUG)
    widget = open_civil(reader, key)
    write(widget, "Whoever wrote this should be fired.", name="Hal")
    expect(item(widget, "should be fired")).to_be_visible()
    [entry] = desk.queue("all", thread["id"])
    desk.warn(entry["author_key"], "Criticise the article, not its author")

    form = write(widget, "The cost estimate looks low to me.")
    error = form.get_by_role("alert")
    expect(error).to_contain_text("A moderator warned you: Criticise the article, not its author.")
    reader.shot("warned")
    error.get_by_role("button", name="I have read the warning").click()
    expect(error).to_have_text("Thank you. You can comment again.")
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    form.get_by_role("button", name="Post", exact=True).click()
    expect(item(widget, "cost estimate looks low")).to_be_visible()
    expect(widget.get_by_role("heading", name="Comments (2)")).to_be_visible()
