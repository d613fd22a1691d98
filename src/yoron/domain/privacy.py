"""What yoron keeps of a reader's network address: a keyed hash of its network, never the address."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress


@functools.lru_cache(maxsize=65_536)
def network_of(address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network an address belongs to; '' when it is not an address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def client_address(peer: str, forwarded_for: str, trusted: frozenset[str]) -> str:
    """The reader's address: the peer, unless it is a trusted proxy that says who it forwards.

    Walks ``X-Forwarded-For`` from the right (the hops nearest to us) and stops at the
    first address that is not one of our own proxies; a client cannot forge its way past it.
    """
    if peer not in trusted or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return hops[0] if hops else peer


@functools.lru_cache(maxsize=65_536)
def ip_hash(address: str, secret: str) -> str:
    network = network_of(address)
    if not network:
        return ""
    return hmac.new(secret.encode(), network.encode(), hashlib.sha256).hexdigest()[:32]
