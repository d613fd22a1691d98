"""A reader makes an account from inside the widget, confirms it by email, comments, signs out."""

from __future__ import annotations

import time
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import Reader, Sites

PASSWORD = "correct horse battery"


def _emailed_link(sites: Sites, path: str, seconds: float = 10) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return f"{sites.yoron}{path}?token={sites.inbox.link(path)}"
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _sign_in_window(reader: Reader) -> Page:
    with reader.page.expect_popup() as opened:
        reader.page.locator("#yoron").get_by_role("button", name="Sign in").click()
    return opened.value


def test_sign_up_verify_sign_in_comment_sign_out(reader: Reader, sites: Sites, key: str) -> None:
    email = f"reader-{uuid.uuid4().hex[:8]}@example.org"
    name = f"Reader {uuid.uuid4().hex[:6]}"
    widget = reader.open(key)

    window = _sign_in_window(reader)
    window.get_by_role("link", name="Create an account").click()
    window.get_by_label("Email").fill(email)
    window.get_by_label("Display name").fill(name)
    window.get_by_label("Password").fill(PASSWORD)
    window.get_by_role("button", name="Create account").click()
    expect(window.get_by_role("status")).to_contain_text(email)

    # The reader opens the emailed link (here in the same window) and confirms.
    window.goto(_emailed_link(sites, "/auth/verify"))
    window.get_by_role("button", name="Confirm my email address").click()
    expect(window.get_by_role("status")).to_contain_text("you can sign in")
    window.close()

    window = _sign_in_window(reader)
    window.get_by_label("Email").fill(email)
    window.get_by_label("Password").fill(PASSWORD)
    with window.expect_event("close"):
        window.get_by_role("button", name="Sign in", exact=True).click()

    expect(widget.get_by_text(name)).to_be_visible()
    composer = widget.locator("form").first
    expect(composer.get_by_label("Your name")).to_have_count(0)
    composer.get_by_label("Comment").fill("My first comment with an account.")
    composer.get_by_role("button", name="Post").click()
    expect(widget.locator("li", has_text="My first comment with an account.").first).to_contain_text(name)
    reader.shot("widget-signed-in")

    token = reader.page.evaluate("localStorage.getItem('yoron:session:news')")
    widget.get_by_role("button", name="Sign out").click()
    expect(widget.get_by_role("button", name="Sign in")).to_be_visible()
    expect(widget.locator("form").first.get_by_label("Your name")).to_be_visible()
    # The session is closed on the server, not only forgotten by the page.
    me = httpx.get(f"{sites.yoron}/api/v1/auth/me", headers={"x-yoron-session": token}).json()
    assert me["user"] is None


def test_window_signs_in_at_once_when_yoron_knows_the_reader(reader: Reader, sites: Sites, key: str) -> None:
    """Signed in on yoron's own pages already: the window hands the session over without a form."""
    email = f"known-{uuid.uuid4().hex[:8]}@example.org"
    name = f"Known {uuid.uuid4().hex[:6]}"
    with httpx.Client(base_url=sites.yoron) as api:
        account = {"site": "news", "email": email, "display_name": name, "password": PASSWORD}
        assert api.post("/api/v1/auth/signup", json=account).status_code == 201
        confirmed = api.post("/api/v1/auth/verify", json={"token": sites.inbox.link("/auth/verify")})
        assert confirmed.status_code == 200
    page = reader.context.new_page()
    page.goto(f"{sites.yoron}/auth/signin?site=news")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():  # the session cookie is set by the time the form's answer lands
        page.get_by_role("button", name="Sign in", exact=True).click()
    page.close()

    widget = reader.open(key)
    with reader.page.expect_popup() as opened:
        widget.get_by_role("button", name="Sign in").click()
    opened.value.wait_for_event("close", timeout=10_000)
    expect(widget.get_by_text(name)).to_be_visible()
