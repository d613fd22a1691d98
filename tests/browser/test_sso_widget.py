"""A host page signs its reader in with a token it made: no yoron form, the reader's own name."""

from __future__ import annotations

import time
import uuid

import jwt
from playwright.sync_api import expect

from tests.browser.conftest import Reader, Sites


def _host_token(sites: Sites, subject: str, name: str) -> str:
    now = int(time.time())
    claims = {
        "sub": subject,
        "name": name,
        "aud": "news",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, sites.sso_secret, algorithm="HS256")


def test_host_page_token_signs_the_reader_in(reader: Reader, sites: Sites, key: str) -> None:
    widget = reader.open(key, sso_token=_host_token(sites, f"cms-{key}", "Host Reader"))
    composer = widget.locator("form").first
    expect(composer.get_by_label("Comment")).to_be_visible()
    expect(composer.get_by_label("Your name")).to_have_count(0)
    composer.get_by_label("Comment").fill("Signed in by the news site.")
    composer.get_by_role("button", name="Post").click()
    posted = widget.locator("li", has_text="Signed in by the news site.").first
    expect(posted).to_contain_text("Host Reader")
    reader.shot("sso-signed-in")
