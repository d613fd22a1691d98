"""OpenID Connect providers a site lets its readers sign in with, and the checks on their settings."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from yoron.domain.errors import Invalid
from yoron.domain.rules import check_text

PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
LOOPBACK_HOSTS = frozenset({"localhost"})


@dataclass(frozen=True, slots=True)
class OidcProvider:
    """One "Sign in with ..." button of a site: the provider's issuer and yoron's client there."""

    id: int
    site_id: int
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class PendingLogin:
    """What yoron remembers between sending a reader to the provider and their coming back."""

    provider_id: int
    nonce: str
    code_verifier: str
    next: str


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str, *, field: str) -> str:
    """An https URL (plain http only on this machine's loopback, for development and tests)."""
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or ""))
    if not parts.hostname or not secure:
        raise Invalid(f"oidc_{field}_invalid", f"{url!r} is not an https URL.", field)
    return url


def check_issuer(issuer: str) -> str:
    """The issuer exactly as the provider writes it in its tokens (a trailing slash matters)."""
    issuer = check_endpoint(check_text(issuer, field="issuer", max_len=512), field="issuer")
    if "?" in issuer or "#" in issuer:
        raise Invalid("oidc_issuer_invalid", "An issuer URL has no query or fragment.", "issuer")
    return issuer


def provider_name_from(label: str) -> str:
    """A URL-safe name made from a label: "Sign in with Example ID" buttons get "example-id"."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_label).strip("-")[:40].strip("-")


def check_provider_name(name: str) -> str:
    if not PROVIDER_NAME.match(name):
        raise Invalid(
            "oidc_name_invalid",
            "A provider name is 1-40 lowercase letters, digits or dashes, starting with a letter or digit.",
            "name",
        )
    return name
