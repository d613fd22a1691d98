"""Every bad request gets a 4xx JSON error and changes nothing; nothing a client sends gives a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
ARTICLE = {
    "site": "news",
    "key": "k1",
    "title": "T",
    "url": "https://news.example/a",
    "lead": "Some lead text.",
}


def assert_error(response: Any, status: int, code: str | None = None, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "field"} and error["message"]
    if code:
        assert error["code"] == code, error
    if field:
        assert error["field"] == field, error


@pytest.fixture
async def thread_id(client: Client, site_key: str) -> int:
    response = await client.post("/api/v1/threads", json=ARTICLE)
    return int(response.json()["id"])


async def _comment_count(client: Client, thread_id: int) -> int:
    return int((await client.get(f"/api/v1/threads/{thread_id}")).json()["comment_count"])


async def test_malformed_and_mistyped_bodies(client: Client, thread_id: int) -> None:
    url = f"/api/v1/threads/{thread_id}/comments"
    headers = {"content-type": "application/json"}
    assert_error(await client.post(url, content=b"{not json", headers=headers), 400)
    assert_error(await client.post(url, content=b"[]", headers=headers), 400)
    assert_error(await client.post(url, json={"body": 5, "author_name": "A"}), 400, field="body")
    assert_error(await client.post(url, json={"author_name": "A"}), 400)
    assert_error(await client.post(url, json={"body": "x", "author_name": "A", "parent_id": "one"}), 400)
    assert_error(await client.post(url, json={"body": "x", "author_name": "A", "parent_id": 2**80}), 400)
    assert_error(await client.post(url, json={"body": "x", "author_name": "A", "quote_of": 1.5}), 400)
    assert_error(
        await client.post(url, json={"body": "x" * 10_001, "author_name": "A"}), 400, "body_too_long", "body"
    )
    assert_error(await client.post(url, json={"body": " ", "author_name": "A"}), 400, "body_empty", "body")
    assert_error(await client.post(url, json={"body": "x"}), 400, "author_name_empty", "author_name")
    assert_error(await client.post(url, data={"body": "x", "author_name": "A"}), 415)
    assert_error(await client.post(url, content=b"{}" + b" " * 300_000, headers=headers), 413)
    assert await _comment_count(client, thread_id) == 0


async def test_unknown_ids_and_bad_paths(client: Client, thread_id: int) -> None:
    assert_error(await client.get("/api/v1/threads/999999"), 404, "thread_not_found")
    assert_error(await client.get(f"/api/v1/threads/{2**70}"), 400)
    assert_error(await client.get("/api/v1/threads/0"), 400)
    assert_error(await client.get("/api/v1/threads/abc"), 404)
    assert_error(await client.get("/api/v1/threads", params={"site": "news", "key": "nope"}), 404)
    assert_error(
        await client.get("/api/v1/threads", params={"site": "nosite", "key": "k1"}), 404, "site_not_found"
    )
    assert_error(await client.get("/api/v1/threads"), 400)
    assert_error(await client.get("/api/v1/comments/424242"), 404, "comment_not_found")
    assert_error(await client.patch("/api/v1/comments/424242", json={"body": "x"}), 404)
    assert_error(await client.delete("/api/v1/comments/424242"), 404)
    assert_error(await client.put("/api/v1/comments/424242/vote", json={"value": 1}), 404)
    assert_error(
        await client.post("/api/v1/threads/999999/comments", json={"body": "x", "author_name": "A"}), 404
    )
    assert_error(await client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(await client.delete(f"/api/v1/threads/{thread_id}"), 405)


async def test_bad_listing_parameters(client: Client, thread_id: int) -> None:
    url = f"/api/v1/threads/{thread_id}/comments"
    for n in range(3):
        await client.post(url, json={"body": f"x{n}", "author_name": "A"})
    cursor = (await client.get(url, params={"limit": 1})).json()["next_cursor"]
    assert_error(await client.get(url, params={"sort": "loud"}), 400, "sort_invalid", "sort")
    assert_error(await client.get(url, params={"limit": 0}), 400)
    assert_error(await client.get(url, params={"limit": "many"}), 400)
    assert_error(await client.get(url, params={"limit": 500}), 400, "limit_invalid")
    assert_error(await client.get(url, params={"cursor": "%%%"}), 400, "bad_cursor", "cursor")
    assert_error(await client.get(url, params={"cursor": cursor, "sort": "top"}), 400, "bad_cursor")
    assert_error(await client.get(url, params={"cursor": "x" * 600}), 400)


async def test_bad_votes_edits_and_counts(client: Client, thread_id: int) -> None:
    posted = await client.post(
        f"/api/v1/threads/{thread_id}/comments", json={"body": "x", "author_name": "A"}
    )
    comment_id = posted.json()["id"]
    for value in (2, "up", None, 0.5, [1]):
        assert_error(await client.put(f"/api/v1/comments/{comment_id}/vote", json={"value": value}), 400)
    assert_error(await client.patch(f"/api/v1/comments/{comment_id}", json={"body": ""}), 400, "body_empty")
    client.cookies.clear()
    assert_error(
        await client.patch(f"/api/v1/comments/{comment_id}", json={"body": "mine now"}), 403, "not_author"
    )
    assert_error(await client.delete(f"/api/v1/comments/{comment_id}"), 403)
    forged = {"x-yoron-device": "abc.def"}
    assert_error(await client.delete(f"/api/v1/comments/{comment_id}", headers=forged), 403)
    assert_error(await client.get("/api/v1/counts", params={"site": "news"}), 400)
    too_many = [("site", "news")] + [("key", str(i)) for i in range(101)]
    assert_error(await client.get("/api/v1/counts", params=too_many), 400, "too_many_keys")
    bad_thread = dict(ARTICLE, key="k" * 513)
    assert_error(await client.post("/api/v1/threads", json=bad_thread), 400, "key_too_long", "key")
    assert_error(await client.post("/api/v1/threads", json=dict(ARTICLE, key="n", url="ftp://x")), 400)
    assert (await client.get(f"/api/v1/comments/{comment_id}")).json()["html"] == "<p>x</p>"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
field_values = st.fixed_dictionaries(
    {},
    optional={
        "body": json_values,
        "author_name": json_values,
        "parent_id": json_values,
        "quote_of": json_values,
        "value": json_values,
        "site": json_values,
        "key": json_values,
        "title": json_values,
        "url": json_values,
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=field_values, target=st.sampled_from(["post", "vote", "edit", "thread", "preview"]))
async def test_no_payload_causes_a_server_error(
    client: Client, thread_id: int, payload: dict[str, Any], target: str
) -> None:
    routes = {
        "post": ("POST", f"/api/v1/threads/{thread_id}/comments"),
        "vote": ("PUT", "/api/v1/comments/1/vote"),
        "edit": ("PATCH", "/api/v1/comments/1"),
        "thread": ("POST", "/api/v1/threads"),
        "preview": ("POST", "/api/v1/preview"),
    }
    method, url = routes[target]
    response = await client.request(method, url, json=payload)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert "error" in response.json()
