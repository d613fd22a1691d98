"""The JSON API end to end: a client creates, posts, replies, quotes, votes, edits, deletes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from yoron.settings import Settings
from yoron.web import create_app

Client = AsyncTestClient[Litestar]
ARTICLE = {
    "site": "news",
    "key": "cms-42",
    "title": "Council votes to close the bridge",
    "url": "https://news.example/2026/bridge",
    "lead": "The council voted on Monday to close the old bridge for two years.",
}


@asynccontextmanager
async def another_reader(client: Client) -> AsyncIterator[Client]:
    """The same app seen from another browser: an empty cookie jar, restored afterwards."""
    saved = httpx.Cookies(client.cookies)
    client.cookies.clear()
    try:
        yield client
    finally:
        client.cookies.clear()
        client.cookies.update(saved)


async def _thread(client: Client) -> dict[str, Any]:
    response = await client.post("/api/v1/threads", json=ARTICLE)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def _post(client: Client, thread_id: int, **body: Any) -> Any:
    body.setdefault("author_name", "Reader")
    return await client.post(f"/api/v1/threads/{thread_id}/comments", json=body)


async def test_full_discussion_through_the_api(client: Client, site_key: str) -> None:
    created = await client.post("/api/v1/threads", json=ARTICLE)
    assert created.status_code == 201
    thread = created.json()
    again = await client.post("/api/v1/threads", json=ARTICLE)
    assert again.status_code == 200 and again.json()["id"] == thread["id"]
    assert (await client.get("/api/v1/threads", params={"site": "news", "key": "cms-42"})).json()[
        "id"
    ] == thread["id"]

    first = await _post(client, thread["id"], body="The bridge *was* unsafe.", author_name="Ann")
    assert first.status_code == 201
    comment = first.json()
    assert comment["tally"] == "0 ( +0 / -0 )" and comment["author"] == {"name": "Ann"}
    assert "yoron_device" in first.headers.get("set-cookie", "")

    quote = await _post(
        client,
        thread["id"],
        body="> voted on Monday to close\n\nGood.",
        quote_of="article",
        parent_id=comment["id"],
    )
    assert quote.status_code == 201
    assert quote.json()["quote"] == {"source": "article", "comment_id": None, "verified": True}
    assert quote.json()["in_reply_to"] == {"id": comment["id"], "name": "Ann"}

    # A second reader (a fresh client has no device cookie) votes on Ann's comment.
    async with another_reader(client) as other:
        voted = await other.put(f"/api/v1/comments/{comment['id']}/vote", json={"value": -1})
        assert voted.json() == {"up": 0, "down": 1, "score": -1, "tally": "-1 ( +0 / -1 )", "my_vote": -1}
        revoted = await other.put(f"/api/v1/comments/{comment['id']}/vote", json={"value": 1})
        assert revoted.json()["tally"] == "1 ( +1 / -0 )"
        me = (await other.get(f"/api/v1/threads/{thread['id']}/me")).json()
        assert me == {"votes": {str(comment["id"]): 1}, "editable": {}, "held": []}

    self_vote = await client.put(f"/api/v1/comments/{comment['id']}/vote", json={"value": 1})
    assert self_vote.status_code == 403 and self_vote.json()["error"]["code"] == "self_vote"

    edited = await client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "The bridge was unsafe!"})
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    me = (await client.get(f"/api/v1/threads/{thread['id']}/me")).json()
    assert set(me["editable"]) == {str(comment["id"]), str(quote.json()["id"])}

    page = (await client.get(f"/api/v1/threads/{thread['id']}/comments")).json()
    assert [item["id"] for item in page["items"]] == [comment["id"], quote.json()["id"]]
    assert page["items"][0]["tally"] == "1 ( +1 / -0 )" and page["items"][0]["reply_count"] == 1

    deleted = await client.delete(f"/api/v1/comments/{comment['id']}")
    assert deleted.status_code == 200 and deleted.json()["state"] == "deleted"
    page = (await client.get(f"/api/v1/threads/{thread['id']}/comments")).json()
    assert page["items"][0]["html"] == "" and page["items"][0]["author"] == {"name": None}

    counts = await client.get("/api/v1/counts", params=[("site", "news"), ("key", "cms-42"), ("key", "nope")])
    assert counts.json() == {"counts": {"cms-42": 1, "nope": 0}}


async def test_comment_pages_are_identical_for_every_viewer_and_revalidate(
    client: Client, site_key: str
) -> None:
    thread = await _thread(client)
    await _post(client, thread["id"], body="hello")
    url = f"/api/v1/threads/{thread['id']}/comments"
    mine = await client.get(url)
    async with another_reader(client) as stranger:
        theirs = await stranger.get(url)
    assert mine.content == theirs.content
    assert "set-cookie" not in theirs.headers
    etag = mine.headers["etag"]
    assert (await client.get(url, headers={"if-none-match": etag})).status_code == 304
    await _post(client, thread["id"], body="a write bumps the version")
    fresh = await client.get(url, headers={"if-none-match": etag})
    assert fresh.status_code == 200 and len(fresh.json()["items"]) == 2


async def test_thread_creation_needs_auto_create_or_the_api_key(client: Client, site_key: str) -> None:
    off_site = dict(ARTICLE, key="elsewhere", url="https://evil.example/x")
    refused = await client.post("/api/v1/threads", json=off_site)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "url_not_on_site"
    allowed = await client.post(
        "/api/v1/threads", json=off_site, headers={"authorization": f"Bearer {site_key}"}
    )
    assert allowed.status_code == 201


async def test_preview_renders_without_storing(client: Client, site_key: str) -> None:
    response = await client.post("/api/v1/preview", json={"body": "**bold** <script>alert(1)</script>"})
    assert response.json() == {"html": "<p><strong>bold</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>"}


async def test_healthz_and_openapi(client: Client) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    schema = (await client.get("/schema/openapi.json")).json()
    for path in (
        "/api/v1/threads",
        "/api/v1/threads/{thread_id}/comments",
        "/api/v1/threads/{thread_id}/me",
        "/api/v1/comments/{comment_id}",
        "/api/v1/comments/{comment_id}/vote",
        "/api/v1/preview",
        "/api/v1/counts",
    ):
        assert path in schema["paths"], path


async def test_site_admin_closes_and_reopens_a_thread(client: Client, site_key: str) -> None:
    thread = await _thread(client)
    url = f"/api/v1/threads/{thread['id']}"
    refused = await client.patch(url, json={"state": "closed"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "site_admin_only"
    wrong = await client.patch(url, json={"state": "closed"}, headers={"authorization": "Bearer yk_nope"})
    assert wrong.status_code == 403
    bad = await client.patch(url, json={"state": "gone"}, headers={"authorization": f"Bearer {site_key}"})
    assert bad.status_code == 400
    closed = await client.patch(
        url, json={"state": "closed"}, headers={"authorization": f"Bearer {site_key}"}
    )
    assert closed.json()["state"] == "closed"
    posted = await _post(client, thread["id"], body="too late")
    assert posted.status_code == 409 and posted.json()["error"]["code"] == "thread_closed"
    await client.patch(url, json={"state": "open"}, headers={"authorization": f"Bearer {site_key}"})
    assert (await _post(client, thread["id"], body="open again")).status_code == 201


async def test_cached_pages_served_early_match_the_route(client: Client, site_key: str) -> None:
    """The first read renders through the route; the next comes from the cache, byte for byte."""
    thread = await _thread(client)
    await _post(client, thread["id"], body="hello")
    for query in ("", "?sort=newest", "?limit=5", "?sort=top&limit=2"):
        url = f"/api/v1/threads/{thread['id']}/comments{query}"
        first = await client.get(url)
        second = await client.get(url, headers={"origin": "https://news.example"})
        assert first.status_code == second.status_code == 200
        assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
        assert second.headers["access-control-allow-origin"] == "https://news.example"
        revalidated = await client.get(url, headers={"if-none-match": first.headers["etag"]})
        assert revalidated.status_code == 304
    odd = await client.get(f"/api/v1/threads/{thread['id']}/comments?limit=abc")
    assert odd.status_code == 400
    repeated = await client.get(f"/api/v1/threads/{thread['id']}/comments?limit=1&limit=2")
    assert repeated.status_code in (200, 400)


async def test_votes_show_in_a_re_read_within_a_second(client: Client, site_key: str) -> None:
    """Votes may leave a cached page's tallies behind, but never for longer than one second."""
    thread = await _thread(client)
    comment = (await _post(client, thread["id"], body="vote on me")).json()
    url = f"/api/v1/threads/{thread['id']}/comments"
    assert (await client.get(url)).json()["items"][0]["tally"] == "0 ( +0 / -0 )"
    async with another_reader(client) as voter:
        await voter.put(f"/api/v1/comments/{comment['id']}/vote", json={"value": 1})
    clock = asyncio.get_running_loop().time
    deadline = clock() + 1.0
    seen = ""
    while True:
        started = clock()
        seen = (await client.get(url)).json()["items"][0]["tally"]
        if seen == "1 ( +1 / -0 )" or started > deadline:
            break  # a read that began more than a second after the vote must show it
        await asyncio.sleep(0.05)
    assert seen == "1 ( +1 / -0 )", "the vote did not show within a second"
    # A new comment is never hidden by the cache, not even for a moment.
    await _post(client, thread["id"], body="second")
    assert len((await client.get(url)).json()["items"]) == 2


async def test_votes_from_one_network_are_rate_limited(settings: Settings, site_key: str) -> None:
    # The test client's peer stands in for our reverse proxy, which names the reader's address.
    limited = msgspec.structs.replace(settings, votes_per_network_per_minute=3, trusted_proxies="testclient")
    behind_proxy = {"x-forwarded-for": "203.0.113.5"}
    async with AsyncTestClient(
        app=create_app(limited, prepared=True), base_url="http://testserver.local"
    ) as c:
        thread = await _thread(c)
        comments = [(await _post(c, thread["id"], body=f"c{n}")).json() for n in range(5)]
        c.cookies.clear()
        answers = [
            (
                await c.put(f"/api/v1/comments/{comment['id']}/vote", json={"value": 1}, headers=behind_proxy)
            ).status_code
            for comment in comments
        ]
    assert answers == [200, 200, 200, 429, 429]
