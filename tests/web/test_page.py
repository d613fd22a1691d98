"""The discussion page works without JavaScript: read, post, reply, quote, vote, edit, delete."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
ARTICLE = {
    "site": "news",
    "key": "page-1",
    "title": "Bridge <closes>",
    "url": "https://news.example/bridge",
    "lead": "The old bridge closes in March for two years.",
}


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "the page carries no CSRF field"
    return match.group(1)


async def _open_page(client: Client) -> tuple[int, str]:
    thread = (await client.post("/api/v1/threads", json=ARTICLE)).json()
    page = await client.get(f"/t/{thread['id']}")
    assert page.status_code == 200
    return thread["id"], page.text


async def test_page_renders_article_and_is_safe(client: Client, site_key: str) -> None:
    thread_id, html = await _open_page(client)
    assert "Bridge &lt;closes&gt;" in html and "<closes>" not in html
    assert "The old bridge closes in March" in html
    assert '<meta name="viewport"' in html and "application/ld+json" in html
    response = await client.get(f"/t/{thread_id}")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert (await client.get("/t/999999")).status_code == 404


async def test_forms_need_the_csrf_token(client: Client, site_key: str) -> None:
    thread_id, _html = await _open_page(client)
    refused = await client.post(f"/t/{thread_id}/comments", data={"body": "hi", "author_name": "A"})
    assert refused.status_code == 403
    assert "No comments yet" in (await client.get(f"/t/{thread_id}")).text


async def test_post_reply_quote_vote_edit_delete_without_javascript(client: Client, site_key: str) -> None:
    thread_id, html = await _open_page(client)
    token = csrf_token(html)
    posted = await client.post(
        f"/t/{thread_id}/comments",
        data={"body": "First *post*", "author_name": "Ann", "_csrf_token": token},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    first_id = int(posted.headers["location"].rsplit("#c", 1)[1])
    html = (await client.get(f"/t/{thread_id}")).text
    assert "<em>post</em>" in html and "0 ( +0 / -0 )" in html
    assert 'value="Ann"' in html, "the name is remembered"

    quoted = await client.post(
        f"/t/{thread_id}/comments",
        data={
            "body": "> First post\r\n\r\nIndeed.",
            "author_name": "Ann",
            "parent_id": str(first_id),
            "quote_of": str(first_id),
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert quoted.status_code == 303
    html = (await client.get(f"/t/{thread_id}")).text
    assert "quote-verified" in html

    bad = await client.post(
        f"/t/{thread_id}/comments", data={"body": "", "author_name": "Ann", "_csrf_token": token}
    )
    assert bad.status_code == 400 and "must not be empty" in bad.text

    saved = dict(client.cookies)
    client.cookies.clear()
    stranger_html = (await client.get(f"/t/{thread_id}")).text
    stranger_token = csrf_token(stranger_html)
    voted = await client.post(
        f"/t/{thread_id}/vote/{first_id}", data={"value": "-1", "_csrf_token": stranger_token}
    )
    assert voted.status_code == 200 and "-1 ( +0 / -1 )" in voted.text
    assert 'class="down mine"' in voted.text
    withdrawn = await client.post(
        f"/t/{thread_id}/vote/{first_id}", data={"value": "0", "_csrf_token": stranger_token}
    )
    assert "0 ( +0 / -0 )" in withdrawn.text
    client.cookies.clear()
    client.cookies.update(saved)

    edited = await client.post(
        f"/t/{thread_id}/edit/{first_id}", data={"body": "First post, edited", "_csrf_token": token}
    )
    assert edited.status_code == 200 and "First post, edited" in edited.text
    deleted = await client.post(f"/t/{thread_id}/delete/{first_id}", data={"_csrf_token": token})
    assert "Comment deleted." in deleted.text
