"""Access to the per-process runtime from a request, and small response helpers."""

from __future__ import annotations

from typing import Any

from litestar import Request

from yoron.bootstrap import Runtime
from yoron.services.context import Context
from yoron.web.cache import PageCache


def runtime_of(request: Request[Any, Any, Any]) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def ctx_of(request: Request[Any, Any, Any]) -> Context:
    return runtime_of(request).ctx


def cache_of(request: Request[Any, Any, Any]) -> PageCache:
    cache: PageCache = request.app.state.page_cache
    return cache


def cookie_secure(request: Request[Any, Any, Any]) -> bool:
    mode = runtime_of(request).settings.cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")
