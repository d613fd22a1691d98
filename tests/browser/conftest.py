"""Browser tests: a news page on http://127.0.0.1:N embeds yoron served from http://localhost:P.

yoron runs as a real ``yoron serve`` subprocess on a temporary SQLite file; the news site is a
tiny HTTP server in a thread; the browser is Debian's Chromium driven by Playwright (no browser
download). The two origins differ, so CORS and the device token header are exercised for real.
"""

from __future__ import annotations

import html
import os
import signal
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, sync_playwright

from tests.conftest import Inbox
from tests.servers import YORON, free_port, wait_for, yoron

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
EDIT_WINDOW_SECONDS = 4

ARTICLES = {
    "en": (
        "Harbour warehouses to become a library",
        [
            "The city council voted on Tuesday to turn the old harbour warehouses into a public library, "
            "ending a decade of debate about the waterfront.",
            "Supporters said the building would bring readers back to the quays; critics worried about "
            "the cost of repairing the roof before the first winter.",
        ],
    ),
    "ja": (
        "港の倉庫が図書館に",
        [
            "市議会は火曜日、港の古い倉庫を公共図書館に改装する案を可決した。",
            "賛成派は読者が港に戻ってくると期待し、反対派は屋根の修理費を心配している。",
        ],
    ),
    "ru": (
        "Портовые склады станут библиотекой",
        ["Городской совет во вторник решил превратить старые портовые склады в публичную библиотеку."],
    ),
}


@dataclass
class Sites:
    """Where things run, shared by the fixtures and the tests."""

    yoron: str = ""
    news: str = ""
    workdir: Path = field(default_factory=Path)
    api_keys: dict[str, str] = field(default_factory=dict)
    sso_secret: str = ""
    inbox: Inbox = field(default_factory=Inbox)
    """What yoron emailed (sign-up and reset links), received by a real SMTP server."""

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.workdir / 'yoron.db'}"


def _article_page(sites: Sites, key: str, query: dict[str, str]) -> str:
    lang = query.get("page_lang", "en")
    title, paragraphs = ARTICLES[lang]
    attributes = {"data-thread-key": key, "data-title": title}
    for name in ("lang", "theme", "page-size", "sso-token"):
        if name.replace("-", "_") in query:
            attributes[f"data-{name}"] = query[name.replace("-", "_")]
    attrs = " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())
    body = "\n".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)
    site = html.escape(query.get("site", "news"))
    return f"""<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/news.css"></head>
<body>
<header><a href="/">The Daily Example</a></header>
<main>
<article>
<h1>{html.escape(title)}</h1>
{body}
<div id="yoron" {attrs}></div>
</article>
</main>
<footer><a href="/index">More news</a></footer>
<script src="{sites.yoron}/embed.js" data-site="{site}" async></script>
</body>
</html>"""


def _index_page(sites: Sites, keys: list[str]) -> str:
    links = "\n".join(
        f'<li><a href="/article/{html.escape(key)}#yoron" data-yoron-count="{html.escape(key)}" '
        f'data-yoron-template="{{n}} comments">Comments</a></li>'
        for key in keys
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Index</title></head>
<body><main><h1>Latest news</h1><ul>
{links}
<li><a href="/article/plain" data-yoron-count="{html.escape(keys[0])}">Comments</a></li>
</ul></main>
<script src="{sites.yoron}/count.js" data-site="news" async></script>
</body></html>"""


NEWS_CSS = "body{font-family:sans-serif;max-width:46rem;margin:0 auto;padding:1rem;line-height:1.5}"


def _news_handler(sites: Sites) -> type[BaseHTTPRequestHandler]:
    class NewsPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {name: values[-1] for name, values in parse_qs(url.query).items()}
            if url.path.startswith("/article/"):
                self._send(_article_page(sites, url.path.removeprefix("/article/"), query), "text/html")
            elif url.path == "/index":
                self._send(_index_page(sites, query.get("keys", "none").split(",")), "text/html")
            elif url.path == "/news.css":
                self._send(NEWS_CSS, "text/css")
            else:
                self.send_error(404)

        def _send(self, text: str, media_type: str) -> None:
            body = text.encode()
            self.send_response(200)
            self.send_header("content-type", f"{media_type}; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            # A strict policy, as the docs recommend: only yoron's origin for scripts and calls.
            self.send_header(
                "content-security-policy",
                f"default-src 'self'; script-src {sites.yoron}; connect-src {sites.yoron}; "
                "style-src 'self'; img-src 'self'",
            )
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return NewsPage


@pytest.fixture(scope="package")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """The news site and yoron, each on its own origin, with two yoron sites configured:
    ``news`` (nested, the default edit window) and ``brief`` (flat, a 4-second edit window)."""
    shared = Sites(workdir=tmp_path_factory.mktemp("browser"))
    news = ThreadingHTTPServer(("127.0.0.1", 0), _news_handler(shared))
    news.daemon_threads = True
    shared.news = f"http://127.0.0.1:{news.server_address[1]}"
    serving = threading.Thread(target=news.serve_forever, daemon=True)
    serving.start()

    database_url = shared.database_url
    smtp = Controller(shared.inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    policies = {
        "news": ["--display", "nested"],
        "brief": ["--display", "flat", "--edit-window", str(EDIT_WINDOW_SECONDS)],
    }
    for slug, options in policies.items():
        added = yoron(["site", "add", slug, "--origin", shared.news, *options], database_url)
        shared.api_keys[slug] = added.stdout.split()[-1]
    shared.sso_secret = yoron(["site", "sso-secret", "news"], database_url).stdout.split()[-1]
    port = free_port()
    log = (shared.workdir / "yoron.log").open("w")
    server = subprocess.Popen(
        [YORON, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={
            **os.environ,
            "YORON_DATABASE_URL": database_url,
            "YORON_SMTP_HOST": "127.0.0.1",
            "YORON_SMTP_PORT": str(smtp.port),
            # Every reader here posts from 127.0.0.1: the rate checks are tested elsewhere.
            "YORON_POSTS_PER_WRITER_PER_MINUTE": "0",
            "YORON_POSTS_PER_NETWORK_PER_MINUTE": "0",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    shared.yoron = f"http://localhost:{port}"
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield shared
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
        smtp.stop()
        news.shutdown()
        news.server_close()
        serving.join(timeout=5)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} is not installed (CI installs it)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class Reader:
    """One reader: a browser context (own storage, so own device) with a page that fails the
    test on any script error."""

    def __init__(self, browser: Browser, sites: Sites, **options: Any) -> None:
        self.sites = sites
        self.context: BrowserContext = browser.new_context(
            viewport={"width": 1000, "height": 900}, locale="en-US", **options
        )
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # A failed request is logged too (e.g. the 404 of a thread's first visit): the test
        # checks responses itself; script errors are what must never happen.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def open(self, key: str, **query: str) -> Locator:
        """Open the article for ``key`` and return the widget once its comments are shown."""
        params = "&".join(f"{name}={value}" for name, value in query.items())
        self.page.goto(f"{self.sites.news}/article/{key}?{params}")
        widget = self.page.locator("#yoron")
        widget.locator("section[aria-busy=false]").wait_for()
        return widget

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def reader(browser: Browser, sites: Sites) -> Iterator[Reader]:
    made: list[Reader] = []
    yield _reader_factory(browser, sites, made)()
    _close(made)


ReaderFactory = Callable[..., Reader]


@pytest.fixture
def new_reader(browser: Browser, sites: Sites) -> Iterator[ReaderFactory]:
    """Make more readers (each with its own device), e.g. ``new_reader(color_scheme="dark")``."""
    made: list[Reader] = []
    yield _reader_factory(browser, sites, made)
    _close(made)


def _reader_factory(browser: Browser, sites: Sites, made: list[Reader]) -> ReaderFactory:
    def make(**options: Any) -> Reader:
        made.append(Reader(browser, sites, **options))
        return made[-1]

    return make


def _close(made: list[Reader]) -> None:
    errors = [error for reader in made for error in reader.errors]
    for reader in made:
        reader.context.close()
    assert not errors, f"the page reported errors: {errors}"


@pytest.fixture
def key() -> str:
    """A fresh thread key: every test gets its own article."""
    return f"article-{uuid.uuid4().hex[:10]}"


class Api:
    """Seed data through yoron's public API, as other readers would."""

    def __init__(self, sites: Sites) -> None:
        self.sites = sites
        self.client = httpx.Client(base_url=sites.yoron.replace("localhost", "127.0.0.1"), timeout=10)

    def thread(self, key: str, site: str = "news", lang: str = "en") -> dict[str, Any]:
        title, paragraphs = ARTICLES[lang]
        response = self.client.post(
            "/api/v1/threads",
            json={
                "site": site,
                "key": key,
                "title": title,
                "url": f"{self.sites.news}/article/{key}",
                "lead": "\n\n".join([title, *paragraphs]),
            },
        )
        response.raise_for_status()
        return dict(response.json())

    def close_thread(self, thread_id: int, site: str = "news") -> None:
        response = self.client.patch(
            f"/api/v1/threads/{thread_id}",
            json={"state": "closed"},
            headers={"authorization": f"Bearer {self.sites.api_keys[site]}"},
        )
        assert response.status_code == 200, response.text

    def comment(self, thread_id: int, body: str, name: str, **extra: Any) -> tuple[dict[str, Any], str]:
        """Post as a new device; return the comment and that device's token."""
        self.client.cookies.clear()
        response = self.client.post(
            f"/api/v1/threads/{thread_id}/comments", json={"body": body, "author_name": name, **extra}
        )
        assert response.status_code == 201, response.text
        return dict(response.json()), response.headers["x-yoron-device"]

    def vote(self, comment_id: int, value: int, device: str | None = None) -> str:
        headers = {"x-yoron-device": device} if device else {}
        self.client.cookies.clear()
        response = self.client.put(
            f"/api/v1/comments/{comment_id}/vote", json={"value": value}, headers=headers
        )
        assert response.status_code == 200, response.text
        return device or response.headers["x-yoron-device"]

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def seed(sites: Sites) -> Iterator[Api]:
    client = Api(sites)
    yield client
    client.close()
