"""Counting a scan: what the ``/q/<code>/`` redirect does besides redirecting.

A scan is counted per material per day in a counter of the counters' cache
(``core/ratelimit.py``), and nothing else is kept:

- **No person.** The address (``core.clients.client_ip``) and the user agent are read
  to tell one phone from another and are never stored: only a salted hash of them,
  the material and the day marks "already counted" in the cache for 30 minutes, so one
  phone scanning twice within 30 minutes counts once. The salt is random, made per
  day and kept only in the cache; without it the hash cannot be traced back to an
  address. No cookie is set; no log line at INFO names anyone.
- **No machine.** HEAD requests, prefetches and previews (``Purpose``/``Sec-Purpose``
  headers), subresource fetches (``Sec-Fetch-Mode`` other than ``navigate``),
  crawlers, link previewers and scripts (by user agent, below), and WeChat's servers
  fetching a link for its preview card are redirected but not counted.
- **Exact, or fail open.** The mark and the counter move in one atomic step, tried
  twice on Redis (it is idempotent), so a slow cache or a lost reply neither loses a
  scan nor counts it twice; the page cache's rest after a failure (``core/cache.py``)
  does not apply to it. Only while the counters' cache is down (both tries fail, each
  within its socket timeout) is the redirect answered uncounted. ``OUTCOMES`` counts
  every scan request by what became of it.

The worker folds the counters into the database every minute (``services.scans``).
"""

import hashlib
import re
import secrets

from django.utils import timezone
from prometheus_client import Counter

from core import ratelimit
from core.clients import client_ip

DEDUP_SECONDS = 30 * 60
# A day's counter must outlive the fold of its last minute (the fold reads today and
# yesterday); two days leave room for a worker that was down a while.
COUNTER_SECONDS = 2 * 24 * 3600
SALT_SECONDS = 2 * 24 * 3600
EPOCH_KEY = "scans:epoch"

# Crawlers, link previewers, feed readers, monitors and HTTP libraries. Matched in
# the lower-cased user agent.
MACHINE_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|facebookexternalhit|facebot|whatsapp|telegram"
    r"|skypeuripreview|embedly|vkshare|pinterest|bitlybot|outbrain|quora link"
    r"|baiduspider|sogou|360spider|haosouspider|yisouspider|bytespider|petalbot"
    r"|headlesschrome|phantomjs|lighthouse|pagespeed|google-read-aloud|mediapartners"
    r"|curl/|wget/|python-|python/|httpx|aiohttp|okhttp|go-http-client|java/|libwww"
    r"|node-fetch|axios/|scrapy|apache-httpclient|feedfetcher|uptime|monitor"
)
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
_salts = {}
#: What became of each scan request, for the operators (``/metrics/``) and
#: ``benchmarks/scans.py``: a scan "not counted" is one the cache failed to keep.
OUTCOMES = Counter("firebreak_scans", "QR scan requests, by what became of them.", ["outcome"])


def is_person(request):
    """Whether this request is a person opening the link (only those are counted)."""
    if request.method != "GET":
        return False
    for header in PREFETCH_HEADERS:
        value = request.META.get(header, "").lower()
        if "prefetch" in value or "prerender" in value or "preview" in value:
            return False
    mode = request.META.get("HTTP_SEC_FETCH_MODE")
    if mode and mode != "navigate":
        return False
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    if not agent or MACHINE_AGENT.search(agent):
        return False
    # WeChat's in-app browser reports its network (NetType/WIFI, NetType/4G); a
    # MicroMessenger request without it is WeChat fetching the link for a preview card.
    return not ("micromessenger" in agent and "nettype/" not in agent)


def _salt(day):
    """The day's salt, made by whichever process comes first and kept only in the cache."""
    salt = _salts.get(day)
    if salt is None:
        salt = ratelimit.shared_value(
            f"scans:salt:{day:%Y%m%d}", lambda: secrets.token_hex(16), SALT_SECONDS
        )
        if salt is not None:
            _salts.clear()  # yesterday's salt is gone for good
            _salts[day] = salt
    return salt


def counter_key(material_id, day):
    return f"scans:count:{material_id}:{day:%Y%m%d}"


def count_scan(request, material):
    """Count this request as a scan of ``material`` (anything with ``pk`` and ``code``)
    if it is a person's first in 30 minutes. Returns True when counted. Never raises for
    a cache outage.

    The "seen in 30 minutes" mark and the day's counter move in one atomic step of the
    counters' cache (``ratelimit.count_once``): a phone scanning twice at the same
    instant counts once, and a scan is never marked without being counted."""
    if not is_person(request):
        OUTCOMES.labels("machine").inc()
        return False
    day = timezone.localdate()
    salt = _salt(day)
    if salt is None:
        OUTCOMES.labels("not counted: cache unavailable").inc()
        return False
    phone = hashlib.sha256(
        "\x1f".join(
            (salt, client_ip(request), request.META.get("HTTP_USER_AGENT", ""), material.code)
        ).encode()
    ).hexdigest()
    value = ratelimit.count_once(
        f"scans:seen:{phone}", DEDUP_SECONDS, counter_key(material.pk, day), COUNTER_SECONDS
    )
    if value is None:
        OUTCOMES.labels("not counted: cache unavailable").inc()
        return False
    OUTCOMES.labels("counted" if value else "repeat").inc()
    return bool(value)
