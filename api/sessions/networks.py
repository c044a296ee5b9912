"""Which client and which network a check-in comes from, without keeping an address.

The client is `request.client.host`: uvicorn takes it from X-Forwarded-For only when the
request comes through a trusted proxy (`--forwarded-allow-ips`), so nobody can choose it.
"""

import hashlib
import hmac
import ipaddress

NETWORK_HASH_LENGTH = 16  # hex characters: 64 bits, plenty to tell a session's networks apart


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_key(host: str) -> str:
    """The key rate limits count a client under: an IPv4 address, or an IPv6 /64.

    One subscriber holds a whole IPv6 /64 (often more), so counting per IPv6 address would
    let one phone take 2^64 turns.
    """
    address = _address(host)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address) if address is not None else host


def network_prefix(host: str) -> str:
    """The network a client is on, as coarse as the signals need: IPv4 /24 or IPv6 /64."""
    address = _address(host)
    if address is None:
        return host
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network((address, prefix), strict=False))


def network_hash(host: str, *, session_id: int, key: str) -> str:
    """A keyed hash of the client's network prefix, only comparable within one session.

    Neither the address nor the prefix is stored: without the app's secret the hash can't be
    turned back into a network, and including the session means one network can't be
    followed from session to session.
    """
    message = f"{session_id}|{network_prefix(host)}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
    return digest[:NETWORK_HASH_LENGTH]
