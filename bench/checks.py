"""Requests made outside the load runs: device tokens, sanity checks, read-your-vote."""

from __future__ import annotations

import json
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from servers import Server, http_request

JSON = {"content-type": "application/json"}


def from_somewhere() -> dict[str, str]:
    """A forwarded client address on a random network: yoron trusts 127.0.0.1 as a proxy and
    rate-limits votes per network, so setup requests must not all come from one."""
    return {"x-forwarded-for": f"10.{random.randrange(256)}.{random.randrange(256)}.9"}


def mint_tokens(server: Server, comment_id: int, count: int, path: Path) -> Path:
    """``count`` device tokens, one per voter: each vote sent without a device gets a new one."""

    def one(_: int) -> str:
        path = f"/api/v1/comments/{comment_id}/vote"
        status, headers, body = http_request(
            server.port, "PUT", path, b'{"value": 1}', JSON | from_somewhere()
        )
        if status != 200 or "x-yoron-device" not in headers:
            raise RuntimeError(f"minting a device token failed: {status} {body[:200]!r}")
        return headers["x-yoron-device"]

    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(one, range(count)))
    path.write_text("\n".join(tokens) + "\n")
    return path


def fetch_ok(server: Server, path: str) -> bytes:
    status, _headers, body = http_request(server.port, "GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path} on {server.name}: {status} {body[:200]!r}")
    return body


def yoron_page(server: Server, path: str, expected_items: int) -> bytes:
    """A page's bytes, after checking it holds ``expected_items`` comments."""
    body = fetch_ok(server, path)
    items = len(json.loads(body)["items"])
    if items != expected_items:
        raise RuntimeError(f"{path} on {server.name} holds {items} comments, expected {expected_items}")
    return body


def isso_comment_count(body: bytes) -> int:
    """Comments in an Isso fetch response, replies included."""
    replies = json.loads(body)["replies"]
    return len(replies) + sum(len(reply.get("replies", [])) for reply in replies)


def expect_write(server: Server, method: str, path: str, payload: bytes, headers: dict[str, str]) -> bytes:
    """Send a write that must succeed; returns the response body."""
    status, _headers, body = http_request(server.port, method, path, payload, {**JSON, **headers})
    if status not in (200, 201):
        raise RuntimeError(f"{method} {path} on {server.name}: {status} {body[:300]!r}")
    return body


WINDOW_S = 1.0  # a vote must show on any read that starts this long after it was acknowledged
GIVE_UP_S = 3.0


@dataclass(frozen=True, slots=True)
class VoteCheck:
    """For each vote: when (after its acknowledgement) the first read that showed it started."""

    system: str
    visible_after_ms: tuple[float | None, ...]
    immediate: tuple[bool, ...]  # did the very next read show it?

    @property
    def held(self) -> bool:
        return all(delay is not None and delay <= WINDOW_S * 1000 for delay in self.visible_after_ms)

    def summary(self) -> str:
        seen = [delay for delay in self.visible_after_ms if delay is not None]
        slowest = f"{max(seen):.0f} ms" if seen else "never"
        verdict = "HELD" if self.held else "FAILED"
        return (
            f"{verdict}: {sum(self.immediate)}/{len(self.immediate)} votes showed on the very next read;"
            f" every vote showed on a read started within {WINDOW_S:g} s: {'yes' if self.held else 'no'}"
            f" (latest first sighting: a read started {slowest} after the vote)"
        )


def _up_count(server: Server, page_path: str, comment_id: int) -> int:
    items = json.loads(fetch_ok(server, page_path))["items"]
    return int(next(item["up"] for item in items if item["id"] == comment_id))


def _first_sighting(
    server: Server, page_path: str, comment_id: int, expected: int
) -> tuple[float | None, bool]:
    """Re-read the page until ``comment_id`` shows ``expected`` up-votes: (start of that read, first try?)."""
    voted = time.monotonic()
    first = True
    while time.monotonic() - voted < GIVE_UP_S:
        started = time.monotonic()
        if _up_count(server, page_path, comment_id) == expected:
            return (started - voted) * 1000, first
        first = False
    return None, False


def check_vote_visible(server: Server, page_path: str, comment_ids: list[int]) -> VoteCheck:
    """Vote +1 as a new voter, then re-read the (cached) page until the vote shows.

    Every request opens its own connection, so reads land on either worker process:
    a worker that served a stale cached page for too long would fail the check.
    """
    delays: list[float | None] = []
    immediate: list[bool] = []
    for comment_id in comment_ids:
        path = f"/api/v1/comments/{comment_id}/vote"
        # The vote's answer holds the tally after it: the page must come to show exactly that
        # (a count read from the page beforehand could itself be up to a second behind).
        tally = json.loads(expect_write(server, "PUT", path, b'{"value": 1}', from_somewhere()))
        delay, first = _first_sighting(server, page_path, comment_id, int(tally["up"]))
        delays.append(delay)
        immediate.append(first)
    return VoteCheck(server.name, tuple(delays), tuple(immediate))
