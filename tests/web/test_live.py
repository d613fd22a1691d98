"""Live updates reach readers connected to any worker; CORS admits only listed origins."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx

from tests.servers import running_yoron, yoron

NEWS = "https://news.example"


def _listen(url: str, found: list[dict[str, object]], stop: threading.Event) -> None:
    with httpx.stream("GET", url, timeout=httpx.Timeout(10, read=20)) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data:"):
                found.append(json.loads(line[5:]))
            if stop.is_set():
                return


def test_events_cross_worker_processes(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    yoron(["site", "add", "news", "--origin", NEWS], database_url)
    with running_yoron(database_url, workers=2) as base:
        thread = httpx.post(
            f"{base}/api/v1/threads",
            json={"site": "news", "key": "live", "title": "Live", "url": f"{NEWS}/live"},
        ).json()
        found: list[dict[str, object]] = []
        stop = threading.Event()
        events_url = f"{base}/api/v1/threads/{thread['id']}/events"
        listeners = [
            threading.Thread(target=_listen, args=(events_url, found, stop), daemon=True) for _ in range(4)
        ]
        for listener in listeners:
            listener.start()
        time.sleep(1.5)
        ids = []
        for n in range(3):
            body = {"body": f"news {n}", "author_name": "A"}
            posted = httpx.post(f"{base}/api/v1/threads/{thread['id']}/comments", json=body)
            ids.append(posted.json()["id"])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            created = [e for e in found if e["kind"] == "created"]
            if len(created) >= 3 * len(listeners):
                break
            time.sleep(0.1)
        stop.set()
        created = [e["comment_id"] for e in found if e["kind"] == "created"]
        for comment_id in ids:
            assert created.count(comment_id) == len(listeners), (comment_id, found)
        missing = httpx.get(f"{base}/api/v1/threads/424242/events")
        assert missing.status_code == 404


def test_cors_only_for_listed_origins(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'cors.db'}"
    yoron(["site", "add", "news", "--origin", NEWS], database_url)
    with running_yoron(database_url) as base:
        preflight = httpx.options(
            f"{base}/api/v1/threads",
            headers={"origin": NEWS, "access-control-request-method": "POST"},
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == NEWS
        assert "x-yoron-device" in preflight.headers["access-control-allow-headers"]
        allowed = httpx.get(f"{base}/api/v1/sites/news", headers={"origin": NEWS})
        assert allowed.headers["access-control-allow-origin"] == NEWS
        assert "x-yoron-device" in allowed.headers["access-control-expose-headers"]
        assert allowed.json()["edit_window_seconds"] == 900
        for origin in ("https://evil.example", "null"):
            refused = httpx.options(
                f"{base}/api/v1/threads", headers={"origin": origin, "access-control-request-method": "POST"}
            )
            assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
            plain = httpx.get(f"{base}/api/v1/sites/news", headers={"origin": origin})
            assert "access-control-allow-origin" not in plain.headers
        for staff_only in ("/api/v1/moderation/news/decisions", "/api/v1/sites/news/users/1"):
            preflight = httpx.options(
                f"{base}{staff_only}", headers={"origin": NEWS, "access-control-request-method": "POST"}
            )
            assert "access-control-allow-origin" not in preflight.headers, staff_only
        listed = httpx.get(f"{base}/api/v1/sites/news/users", headers={"origin": NEWS})
        assert "access-control-allow-origin" not in listed.headers
        assert httpx.get(f"{base}/api/v1/sites/nope").status_code == 404
