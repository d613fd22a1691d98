"""Network addresses: hashed by network, taken from proxies only when they are ours."""

from __future__ import annotations

from yoron.domain.privacy import client_address, ip_hash, network_of

TRUSTED = frozenset({"127.0.0.1", "10.0.0.5"})


def test_networks_and_hashes() -> None:
    assert network_of("203.0.113.77") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2::9") == "2001:db8:1::/48"
    assert network_of("not an address") == ""
    assert ip_hash("203.0.113.77", "s") == ip_hash("203.0.113.1", "s") != ip_hash("203.0.114.1", "s")
    assert "203.0.113" not in ip_hash("203.0.113.77", "s")


def test_forwarded_for_only_from_trusted_proxies() -> None:
    assert client_address("198.51.100.9", "1.2.3.4", TRUSTED) == "198.51.100.9"
    assert client_address("127.0.0.1", "203.0.113.7", TRUSTED) == "203.0.113.7"
    assert client_address("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.5", TRUSTED) == "203.0.113.7"
    assert client_address("127.0.0.1", "", TRUSTED) == "127.0.0.1"
