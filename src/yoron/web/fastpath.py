"""Cached comment pages answered before the framework: the one request news traffic is made of.

A page of a thread is the same bytes for every reader. When those bytes are in
this process's cache for the thread's current version, this layer sends them
straight away; anything else (a miss, an unusual query, an unknown thread)
goes on to the Litestar route, which validates, renders and fills the cache.
Both paths build the cache key, ETag and headers with the same functions.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from litestar.types import ASGIApp, Receive, Scope, Send

from yoron.domain.errors import DomainError
from yoron.services import threads
from yoron.web.cache import PAGE_CACHE_CONTROL, PageCache, page_key
from yoron.web.cors import AllowedOrigins, cors_headers

PAGE_PATH = re.compile(r"/api/v1/threads/([1-9][0-9]{0,17})/comments")
QUERY_NAMES = frozenset({"sort", "cursor", "limit"})


def _split_pair(part: str) -> tuple[str, str]:
    name, equals, value = part.partition("=")
    if not equals:
        raise ValueError(part)
    return name, value


def _listing_query(raw: bytes) -> tuple[str | None, str | None, int | None] | None:
    """sort, cursor and limit as the route would read them; None when the route must decide."""
    if not raw:
        return None, None, None
    try:
        text = raw.decode("ascii")
        if "%" in text or "+" in text:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
        else:
            pairs = [_split_pair(part) for part in text.split("&")]
    except (UnicodeDecodeError, ValueError):
        return None
    query = dict(pairs)
    if len(query) != len(pairs) or not set(query) <= QUERY_NAMES:
        return None
    limit_text = query.get("limit")
    if limit_text is not None and not (limit_text.isdigit() and len(limit_text) <= 4):
        return None
    return query.get("sort"), query.get("cursor"), int(limit_text) if limit_text is not None else None


def fast_page_reads(app: Any, next_app: ASGIApp) -> ASGIApp:
    """Wrap ``next_app`` (Litestar's handler) with the cached-page shortcut."""

    async def handle(asgi_scope: Scope, receive: Receive, send: Send) -> None:
        scope: dict[str, Any] = asgi_scope  # type: ignore[assignment]
        if scope["type"] == "http" and scope["method"] == "GET":
            match = PAGE_PATH.fullmatch(scope["path"])
            if match and await _send_cached(app, scope, int(match.group(1)), send):
                return
        await next_app(asgi_scope, receive, send)

    return handle


async def _send_cached(app: Any, scope: dict[str, Any], thread_id: int, send: Send) -> bool:
    query = _listing_query(scope["query_string"])
    if query is None:
        return False
    state = app.state
    try:
        version, tally = await threads.thread_versions(state.runtime.ctx, thread_id)
    except DomainError:
        return False
    cache: PageCache = state.page_cache
    cached = cache.get(page_key(thread_id, version, *query), tally)
    if cached is None:
        return False
    body, etag = cached.body, cached.etag
    headers = dict(scope["headers"])
    extra: list[tuple[bytes, bytes]] = []
    origin = headers.get(b"origin", b"").decode("latin-1")
    allowed: AllowedOrigins = state.allowed_origins
    if origin and await allowed.allows(origin):
        extra = cors_headers(origin)
    common = [
        (b"etag", etag.encode()),
        (b"cache-control", PAGE_CACHE_CONTROL.encode()),
        *extra,
    ]
    if headers.get(b"if-none-match", b"").decode("latin-1") == etag:
        await send({"type": "http.response.start", "status": 304, "headers": common})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *common,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
    return True
