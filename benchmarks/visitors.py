"""The benchmarks' visitors: a browser-like HTTP client on loopback, a storm of them
released together, the booking form they fill in, and how their answers are summed up.
Shared by booking.py, peak.py, faults.py, fault_storm.py and scaleout.py.
"""

import http.client
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor


class Client:
    """One keep-alive HTTP connection with its own cookies, like one browser."""

    # Stamp each request as the proxy in front of the production layout does; a client of
    # a server with no proxy in front (make run) leaves it off.
    stamp = True

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}
        self.last_cache = ""  # the page cache's answer to the last request, if it said

    def request(self, method, path, body=None):
        origin = f"http://127.0.0.1:{self.conn.port}"
        headers = {
            "Host": f"127.0.0.1:{self.conn.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if self.stamp:  # what the proxy stamps: when the request arrived (config/faults.py)
            headers["X-Request-Start"] = f"t={time.time():.3f}"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection: a browser sends again on a
            # new one (nothing was answered, so nothing was done).
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        self.last_cache = response.headers.get("X-Page-Cache", "")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data


def storm(port, path, make_body, attempts, clients):
    """``attempts`` requests from ``clients`` threads started together: (status, seconds)
    of each, and the wall time of the whole storm."""
    per_client = [list(range(i, attempts, clients)) for i in range(clients)]
    start = threading.Barrier(clients + 1)
    results = []
    lock = threading.Lock()

    def client_run(indices):
        client = Client(port)
        try:
            token = None
            while token is None:  # a busy 503 has no form: wait as it asks, and ask again
                status, page = client.request("GET", path)
                token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                if token is None:
                    time.sleep(1)
            token = token.group(1).decode()
        except BaseException:
            start.abort()  # never leave the others waiting for a client that failed
            raise
        start.wait()
        for i in indices:
            body = make_body(i, token)
            began = time.perf_counter()
            status, page = client.request("POST" if body else "GET", path, body)
            seconds = time.perf_counter() - began
            note = answer_note(page) if body and status not in EXPECTED else ""
            with lock:
                results.append((status, seconds))
                if note:
                    unexpected[f"{status} {note}"] = unexpected.get(f"{status} {note}", 0) + 1
                if DEBUG and body:
                    print(i, status, note, file=sys.stderr)

    unexpected = {}
    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client_run, indices) for indices in per_client]
        start.wait()
        began = time.perf_counter()
        for future in futures:
            future.result()
        elapsed = time.perf_counter() - began
    # Say what went wrong, in the site's words: a benchmark that books nothing says why.
    for answer, count in sorted(unexpected.items(), key=lambda item: -item[1])[:5]:
        print(f"{path}: {count} × {answer}", file=sys.stderr)
    return results, elapsed


# BENCH_DEBUG=1 prints every booking attempt's status and what its page said.
DEBUG = bool(os.environ.get("BENCH_DEBUG"))
# Answers a booking storm expects: booked or waitlisted (302), full (409), busy (503).
EXPECTED = {302, 303, 409, 503}


def answer_note(page):
    """What a booking answer says, in a few words: the form's errors, or the page title."""
    errors = re.findall(rb'class="error-summary".*?<ul>(.*?)</ul>', page, re.S)
    if errors:
        return re.sub(rb"<[^>]+>|\s+", b" ", b" / ".join(errors)).decode(errors="replace").strip()
    title = re.search(rb"<title>(.*?)</title>", page, re.S)
    return title.group(1).decode(errors="replace").strip() if title else ""


def booking_form(token, i, *, run, party_size, phone_prefix="139"):
    """A filled booking form, confirmed, from school ``i`` of run ``run``; every other
    school would join the waitlist."""
    fields = {
        "csrfmiddlewaretoken": token,
        "organization": f"基准测试学校{run}-{i}",
        "organization_type": "school",
        "contact_name": "王老师",
        "phone": f"{phone_prefix}{i:08d}",
        "party_size": str(party_size),
        "adults": "1",
        "privacy_consent": "on",
        # The key takes letters, digits, "-" and "_" only: a run's name may have spaces.
        "idempotency_key": f"bench-{re.sub(r'[^A-Za-z0-9_-]+', '-', run)}-{i:06d}-"
        + secrets.token_hex(8),
        "confirm": "1",
    }
    if i % 2:
        fields["join_waitlist"] = "on"
    return urllib.parse.urlencode(fields)


def percentile(sorted_values, q):
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))
    return round(sorted_values[index] * 1000, 1)


def summary(results, elapsed):
    latencies = sorted(seconds for _, seconds in results)
    codes = [status for status, _ in results]
    return {
        "requests": len(codes),
        "per s": round(len(codes) / elapsed, 1),
        "p50 ms": percentile(latencies, 0.50),
        "p95 ms": percentile(latencies, 0.95),
        "p99 ms": percentile(latencies, 0.99),
        "busy 503": codes.count(503),
        "codes": codes,
        "elapsed": elapsed,
    }
