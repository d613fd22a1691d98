"""``create_app(settings)``: the Litestar application, its lifespan and its middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from yoron import __version__, bootstrap
from yoron.settings import Settings, load_settings
from yoron.web import (
    admin,
    api,
    assets,
    auth,
    desk,
    moderation,
    oidc,
    pages,
    pages_account,
    pages_auth,
    popup,
    profiles,
)
from yoron.web.cache import PageCache
from yoron.web.cors import AllowedOrigins, cors_middleware
from yoron.web.errors import EXCEPTION_HANDLERS, error_response
from yoron.web.fastpath import fast_page_reads
from yoron.web.live import LiveThreads
from yoron.web.paths import STATIC, TEMPLATES

JSON_WRITE_METHODS = {"POST", "PUT", "PATCH"}


async def _require_json(request: Request[Any, Any, Any]) -> Response[bytes] | None:
    """API writes must be JSON: a cross-site form cannot send it, which keeps cookies safe."""
    if request.method in JSON_WRITE_METHODS and request.scope["path"].startswith("/api/"):
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type != "application/json":
            return error_response(415, "unsupported_media_type", "Send the request body as application/json.")
    return None


def create_app(settings: Settings, *, prepared: bool = False) -> Litestar:
    """Build the application; unless ``prepared``, migrate the database and settle the secret first."""
    if not prepared or not settings.secret_key:
        settings = bootstrap.prepare(settings, migrate_db=not prepared)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = await bootstrap.start(settings)
        live = LiveThreads(runtime.ctx)
        unsubscribe = runtime.events.subscribe(live.on_event)
        app.state.runtime = runtime
        app.state.page_cache = PageCache(settings.page_cache_entries, settings.page_cache_megabytes << 20)
        app.state.live = live
        app.state.allowed_origins = AllowedOrigins(runtime.ctx)
        try:
            yield
        finally:
            unsubscribe()
            await live.close()
            await runtime.db.close()

    app = Litestar(
        route_handlers=[
            *api.ROUTES,
            *auth.ROUTES,
            *pages.ROUTES,
            *pages_auth.ROUTES,
            *oidc.ROUTES,
            *popup.ROUTES,
            *profiles.ROUTES,
            *moderation.ROUTES,
            *desk.ROUTES,
            *pages_account.ROUTES,
            *admin.ROUTES,
            *assets.ROUTES,
            create_static_files_router(path="/static", directories=[STATIC], name="static"),
        ],
        lifespan=[lifespan],
        middleware=[cors_middleware],
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=_require_json,
        request_max_body_size=settings.request_max_bytes,
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="yoron_csrf",
            cookie_httponly=True,
            cookie_secure=settings.cookie_secure == "always",
            exclude=["/api/"],
        ),
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(
            title="yoron",
            version=__version__,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        debug=False,
    )
    app.asgi_handler = fast_page_reads(app, app.asgi_handler)
    return app


def create_app_from_env() -> Litestar:
    """Entry point for granian's ``--factory``: settings from the file and environment."""
    return create_app(load_settings(), prepared=True)
