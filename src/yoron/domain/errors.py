"""Errors that carry a stable code, a human message and the field at fault."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a client can cause; the web layer maps the kind to a 4xx."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class Invalid(DomainError):
    """The input is malformed or breaks a limit."""

    status = 400


class Forbidden(DomainError):
    """The viewer may not do this."""

    status = 403


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible)."""

    status = 404


class TooMany(DomainError):
    """Too many requests of this kind from one network, device or account; try later."""

    status = 429


class Conflict(DomainError):
    """The request clashes with the current state (closed thread, expired window...)."""

    status = 409
