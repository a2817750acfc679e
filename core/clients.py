"""Who is asking: the one rule for a client's address.

Rate limits, the admin login lockout and log lines all call ``client_ip``; nothing else
reads ``REMOTE_ADDR`` or ``X-Forwarded-For``.

``TRUSTED_PROXY_HOPS`` is the number of proxies in front of the web process that each
append the address they received the request from to ``X-Forwarded-For`` (nginx's
``$proxy_add_x_forwarded_for``, a CDN). With 0 (``make run``: nothing in front) the
header is any client's claim and is ignored. With N, the Nth address from the right
was written by our outermost proxy: everything to its left is the client's own claim.
"""

from ipaddress import ip_address

from django.conf import settings


def _valid(value):
    try:
        return str(ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address as far as trusted proxies vouch for it (a normalised string)."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return _valid(remote) or remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return _valid(remote) or remote
    # Fewer entries than hops: the request entered behind the outer proxies, and the
    # leftmost entry is the one the first trusted proxy it met wrote.
    claimed = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    # A trusted proxy never writes garbage; if one did, the peer is all we know.
    return _valid(claimed) or _valid(remote) or remote
