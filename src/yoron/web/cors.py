"""CORS for the API: only pages on a site's listed origins may call it from a browser."""

from __future__ import annotations

import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from yoron.services import sites
from yoron.services.context import Context

ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "content-type, x-yoron-device, x-yoron-session, authorization, if-none-match"
EXPOSE_HEADERS = "x-yoron-device, etag"
REFRESH_SECONDS = 5.0


class AllowedOrigins:
    """Every site's origins, re-read from the database every few seconds."""

    def __init__(self, ctx: Context, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self._ctx = ctx
        self._refresh = refresh_seconds
        self._origins: frozenset[str] = frozenset()
        self._read_at = float("-inf")

    async def allows(self, origin: str) -> bool:
        now = time.monotonic()
        if now - self._read_at > self._refresh:
            found = await sites.list_sites(self._ctx)
            self._origins = frozenset(o for site in found for o in site.origins)
            self._read_at = now
        return origin.lower() in self._origins


def cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-expose-headers", EXPOSE_HEADERS.encode()),
        (b"vary", b"Origin"),
    ]


# The staff's APIs serve yoron's own desk and admin pages only: no page of a publisher's site,
# even a listed origin, gets to call them with a moderator's cookies.
STAFF_ONLY = ("/api/v1/moderation/",)


def _for_widgets(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(STAFF_ONLY) and not _is_user_admin(path)


def _is_user_admin(path: str) -> bool:
    # /api/v1/sites/{slug}/users[/{id}]
    parts = path.split("/")
    return len(parts) >= 6 and parts[1:4] == ["api", "v1", "sites"] and parts[5] == "users"


def cors_middleware(app: ASGIApp) -> ASGIApp:
    """Answer preflights and add CORS headers on /api/ for allowed origins; others get none.
    The staff's endpoints (moderation, account administration) never answer other origins."""

    async def middleware(asgi_scope: Scope, receive: Receive, send: Send) -> None:
        scope: dict[str, Any] = asgi_scope  # type: ignore[assignment]
        if scope["type"] != "http" or not _for_widgets(scope["path"]):
            await app(asgi_scope, receive, send)
            return
        origin = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"origin"), "")
        allowed_origins: AllowedOrigins = scope["litestar_app"].state.allowed_origins
        allowed = bool(origin) and await allowed_origins.allows(origin)
        if scope["method"] == "OPTIONS" and origin:
            headers = [(b"content-length", b"0")]
            if allowed:
                headers += [
                    *cors_headers(origin),
                    (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                    (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                    (b"access-control-max-age", b"600"),
                ]
            start = {"type": "http.response.start", "status": 204 if allowed else 403, "headers": headers}
            await send(start)  # type: ignore[arg-type]
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        if not allowed:
            await app(asgi_scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *cors_headers(origin)]
            await send(message)

        await app(asgi_scope, receive, send_with_cors)

    return middleware
