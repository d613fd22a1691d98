"""The embeddable scripts at short, stable paths: /embed.js and /count.js."""

from __future__ import annotations

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.response import File

from yoron.web.paths import STATIC

SCRIPT_HEADERS = {"cache-control": "public, max-age=300", "x-content-type-options": "nosniff"}


def _script(name: str) -> File:
    path = STATIC / name
    if not path.is_file():
        raise NotFoundException(f"{name} is not built")
    return File(
        path,
        media_type="text/javascript; charset=utf-8",
        headers=SCRIPT_HEADERS,
        content_disposition_type="inline",
    )


@get("/embed.js", include_in_schema=False)
async def embed_js() -> File:
    return _script("embed.js")


@get("/count.js", include_in_schema=False)
async def count_js() -> File:
    return _script("count.js")


ROUTES = [embed_js, count_js]
