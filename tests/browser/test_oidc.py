"""OpenID Connect in the browser: a reader signs in with a provider the tests run, from the widget."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, Reader, Sites
from tests.identity_providers import running_mock_provider
from tests.servers import yoron


@pytest.fixture(scope="module")
def provider(sites: Sites) -> Iterator[str]:
    """The mock provider on loopback, offered by the site 'news' as "Sign in with Mock ID"."""
    with running_mock_provider() as issuer:
        yoron(
            [
                "site",
                "oidc",
                "news",
                "--issuer",
                issuer,
                "--client-id",
                "yoron-news",
                "--client-secret",
                "not-so-secret",
                "--label",
                "Mock ID",
            ],
            sites.database_url,
        )
        yield issuer
        yoron(["site", "oidc-remove", "news", "mock-id"], sites.database_url)


def test_reader_signs_in_with_the_provider_and_comments(
    reader: Reader, sites: Sites, key: str, provider: str
) -> None:
    widget = reader.open(key)
    with reader.page.expect_popup() as opened:
        widget.get_by_role("button", name="Sign in").click()
    window = opened.value
    ARTIFACTS.mkdir(exist_ok=True)
    window.screenshot(path=str(ARTIFACTS / "oidc-sign-in-window.png"))
    window.get_by_role("link", name="Sign in with Mock ID").click()
    # The provider's own page: it asks who is signing in.
    expect(window.get_by_role("heading", name="Authorize Client")).to_be_visible()
    with window.expect_event("close"):
        window.get_by_role("button", name="alice", exact=True).click()

    expect(widget.get_by_text("Alice Example")).to_be_visible()
    expect(widget.get_by_role("button", name="Sign out")).to_be_visible()
    composer = widget.locator("form").first
    expect(composer.get_by_label("Your name")).to_have_count(0)
    composer.get_by_label("Comment").fill("Signed in with my provider account.")
    composer.get_by_role("button", name="Post").click()
    posted = widget.locator("li", has_text="Signed in with my provider account.").first
    expect(posted).to_contain_text("Alice Example")
    reader.shot("oidc-signed-in")
