"""The client address that sign-in throttling counts.

X-Forwarded-For is believed only as far as it was written by the proxies in
settings.TRUSTED_PROXIES: with none (the default) the address is the socket's
peer, whatever the headers say, so a client cannot pick a fresh address for
each try by forging the header.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# An IPv6 client holds a whole /64 at least: counted as one address.
IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> IPAddress | None:
    """The socket's peer, or, when that is a trusted proxy, the nearest
    address in X-Forwarded-For (read from the right) that is not one.

    None when the peer is not an IP address (a Unix socket, say).
    """
    address = _parse(request.META.get("REMOTE_ADDR", ""))
    # Checked when the settings load: each is an address or a network.
    trusted = [ipaddress.ip_network(entry) for entry in settings.TRUSTED_PROXIES]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",") if forwarded else []):
        if address is None or not any(address in network for network in trusted):
            break
        hop_address = _parse(hop)
        if hop_address is None:
            break  # garbage: nothing further left of it can be believed
        address = hop_address
    return address


def throttled_address(request: HttpRequest) -> str | None:
    """The key sign-in throttling counts per address (axes' client IP):
    the client's IPv4 address, or the /64 network of its IPv6 address."""
    address = client_address(request)
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False)
        return str(network.network_address)
    return None if address is None else str(address)


def _parse(text: str) -> IPAddress | None:
    """An address as proxies write it: `203.0.113.7`, `2001:db8::1`, and with
    a port, `203.0.113.7:4711` or `[2001:db8::1]:4711`."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address
