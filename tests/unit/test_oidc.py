"""The checks on a site's OpenID Connect settings."""

from __future__ import annotations

import pytest

from yoron.domain.errors import Invalid
from yoron.domain.oidc import check_issuer, check_provider_name, provider_name_from


@pytest.mark.parametrize(
    "issuer",
    [
        "https://accounts.example",
        "https://id.example/realms/news/",
        "http://127.0.0.1:9400",
        "http://localhost:8080",
    ],
)
def test_issuers_over_https_or_on_loopback(issuer: str) -> None:
    assert check_issuer(f"  {issuer} ") == issuer


@pytest.mark.parametrize(
    "issuer",
    ["http://id.example", "ftp://id.example", "https://", "https://id.example/?a=1", "id.example", ""],
)
def test_other_issuers_are_refused(issuer: str) -> None:
    with pytest.raises(Invalid):
        check_issuer(issuer)


def test_names_are_made_from_labels() -> None:
    assert provider_name_from("Example ID") == "example-id"
    assert provider_name_from("  Ünïcode & Co.  ") == "unicode-co"
    assert check_provider_name(provider_name_from("Google")) == "google"
    with pytest.raises(Invalid):
        check_provider_name(provider_name_from("日本"))
