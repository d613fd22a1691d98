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


@functools.lru_cache(maxsize=65_536)
def ip_hash(address: str, secret: str) -> str:
    network = network_of(address)
    if not network:
        return ""
    return hmac.new(secret.encode(), network.encode(), hashlib.sha256).hexdigest()[:32]
