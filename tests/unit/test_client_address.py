"""The client address sign-in throttling counts (staff/addresses.py)."""

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from cloudfactory.staff.addresses import client_address, throttled_address


def _request(peer: str, forwarded: str | None = None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return RequestFactory().get("/login", REMOTE_ADDR=peer, **headers)


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_headers(
    settings,
):
    settings.TRUSTED_PROXIES = []

    assert str(client_address(_request("127.0.0.1", "203.0.113.9"))) == "127.0.0.1"


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),
        # Read from the right: the left-most entry is whatever the client sent.
        ("10.0.0.5", "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        # Two proxies of ours: the load balancer and the nginx beside the app.
        ("10.0.0.5", "198.51.100.1, 203.0.113.9, 10.0.0.4", "203.0.113.9"),
        ("10.0.0.5", "203.0.113.9:4711", "203.0.113.9"),
        ("10.0.0.5", "[2001:db8::7]:4711", "2001:db8::7"),
        # Garbage: nothing left of it is believed; the last proxy is the client.
        ("10.0.0.5", "203.0.113.9, junk", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        # Not one of ours: its header means nothing.
        ("203.0.113.50", "198.51.100.1", "203.0.113.50"),
        ("::ffff:10.0.0.5", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client(
    settings, peer, forwarded, client
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert str(client_address(_request(peer, forwarded))) == client


def test_a_peer_that_is_no_ip_address_gives_no_address(settings):
    settings.TRUSTED_PROXIES = []

    assert client_address(_request("unix-socket")) is None
    assert throttled_address(_request("unix-socket")) is None


def test_an_ipv6_client_is_throttled_by_its_64_network(settings):
    settings.TRUSTED_PROXIES = []

    assert throttled_address(_request("2001:db8:1:2:aa::1")) == "2001:db8:1:2::"
    assert throttled_address(_request("203.0.113.9")) == "203.0.113.9"


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start_with_a_sentence():
    result = subprocess.run(
        [sys.executable, "-c", "import cloudfactory.settings"],
        env={**os.environ, "TRUSTED_PROXIES": "10.0.0.0/8, lb.internal"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert (
        "TRUSTED_PROXIES: 'lb.internal' is neither an IP address nor a network"
        in result.stderr
    )
