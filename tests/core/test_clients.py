import pytest
from django.test import RequestFactory

from core.clients import client_ip


def request(xff=None, remote="127.0.0.1"):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_with_no_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request("203.0.113.1", remote="198.51.100.7")) == "198.51.100.7"
    assert client_ip(request(remote="198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("hops", "xff", "expected"),
    [
        # nginx alone appends the client it saw; the client's own claim is to its left.
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        # CDN then nginx: the CDN wrote the client, nginx wrote the CDN's address.
        (2, "203.0.113.9, 198.51.100.1", "203.0.113.9"),
        (2, "6.6.6.6, 7.7.7.7, 203.0.113.9, 198.51.100.1", "203.0.113.9"),
        # Reached nginx without the CDN: nginx's entry is the only one and the truth.
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_the_nth_address_from_the_right_is_the_client(settings, hops, xff, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(request(xff)) == expected


@pytest.mark.parametrize("xff", ["", "not-an-address", "203.0.113.9, <script>", " , "])
def test_garbage_where_a_proxy_writes_falls_back_to_the_peer(settings, xff):
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request(xff, remote="10.0.0.2")) == "10.0.0.2"
