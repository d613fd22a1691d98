"""Every failure leaves as ``{"error": {"code", "message", "field"}}`` with the right status."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from yoron.domain.errors import DomainError
from yoron.web.schemas import ErrorBody, ErrorOut

log = logging.getLogger("yoron.web")

_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    503: "unavailable",
}


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response[bytes]:
    body = msgspec.json.encode(ErrorOut(ErrorBody(code=code, message=message, field=field)))
    return Response(body, status_code=status, media_type="application/json")


def _field_of(exc: ValidationException) -> str | None:
    extra = exc.extra
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        key = extra[0].get("key")
        return str(key) if key else None
    return None


def _message_of(exc: ValidationException) -> str:
    extra = exc.extra
    if isinstance(extra, list) and extra and isinstance(extra[0], dict) and extra[0].get("message"):
        field = _field_of(exc)
        detail = str(extra[0]["message"])
        return f"{field}: {detail}" if field else detail
    return exc.detail or "The request is not valid."


def on_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[bytes]:
    return error_response(exc.status, exc.code, exc.message, exc.field)


def on_validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    return error_response(400, "invalid_request", _message_of(exc), _field_of(exc))


def on_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    if status >= 500:
        log.error("server error on %s %s: %s", request.method, request.url.path, exc.detail)
        return error_response(status, "internal_error", "Something went wrong on our side.")
    response = error_response(status, _CODES.get(status, "http_error"), exc.detail or "Request refused.")
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def on_unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "Something went wrong on our side.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: on_domain_error,
    ValidationException: on_validation_error,
    HTTPException: on_http_error,
    Exception: on_unexpected_error,
}
