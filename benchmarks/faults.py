"""Faults: a booking storm while things break, and a 1,000-client burst on SQLite.

    .venv/bin/python benchmarks/faults.py burst      # make run's server on SQLite
    .venv/bin/python benchmarks/faults.py storm      # production layout, four faults
    .venv/bin/python benchmarks/faults.py kill       # one of them: redis, kill,
                                                     # pg-hole, pg-terminate
    .venv/bin/python benchmarks/faults.py all

**burst** starts the web server and worker the way ``make run`` does (gunicorn, one
process, ``GUNICORN_THREADS`` threads, the dev settings, SQLite in ``var/bench``) and
sends BENCH_BURST (1,000) booking POSTs from as many connections at once, all released
by one barrier, at one 60-place session. Every answer must be a booking or a waitlist
place (302), 409 (full, not waiting) or 503 with ``Retry-After``; no 500, no reset, and
every 302 must match exactly one stored booking.

The production-layout scenarios (``fault_storm.py``) run on a PostgreSQL and a Redis
of the script's own, never on a shared server: Redis cut off for 12 s, ``kill -9`` of
a web worker and a worker cluster, PostgreSQL black-holed for 12 s, and every database
connection terminated each second for 10 s, all during a booking storm.

Loopback only; every loop is bounded. Exit status 1 when an invariant fails.
"""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from visitors import Client, answer_note  # noqa: E402

BURST = int(os.environ.get("BENCH_BURST", "1000"))
THREADS = int(os.environ.get("GUNICORN_THREADS", "16"))
CAPACITY = 60
PARTY = 3
CUT_SECONDS = 12
FORM_TRIES = 30  # times a client asks for the form while the server answers "busy"

MAKE_SESSION = f"""
from datetime import timedelta
from django.utils import timezone
from events.models import Event, Session
event, _ = Event.objects.get_or_create(
    title="Faults benchmark", defaults={{"kind": "camp_batch", "party_max": 60}}
)
start = timezone.now() + timedelta(days=10)
session = Session.objects.create(
    event=event, starts_at=start, ends_at=start + timedelta(hours=3), venue="Bench",
    capacity={CAPACITY},
)
print(session.pk)
"""

OUTCOME = """
from events import selectors
from core.outbox import OutboxMessage
from events.messages import ABOUT_BOOKING
from events.models import Booking
b = Booking.objects.filter(session_id={pk})
n = OutboxMessage.objects.about(ABOUT_BOOKING, b.values("pk"))
print(selectors.places_taken({pk}), b.exclude(status="waitlisted").count(),
      b.filter(status="waitlisted").count(), b.count(), n.count(),
      n.filter(sent_at__isnull=False).count())
"""


def shell(env, code):
    out = subprocess.run(
        [harness.PYTHON, "manage.py", "shell", "-c", code],
        cwd=harness.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def outcome(env, session_pk):
    keys = ("taken", "booked", "waitlisted", "rows", "notifications", "sent")
    return dict(zip(keys, map(int, shell(env, OUTCOME.format(pk=session_pk)).split()), strict=True))


def booking_body(i, token, prefix):
    fields = {
        "csrfmiddlewaretoken": token,
        "organization": f"故障测试学校{i}",
        "organization_type": "school",
        "contact_name": "王老师",
        "phone": f"136{i:08d}",
        "email": f"teacher{i}@example.cn",
        "party_size": str(PARTY),
        "adults": "1",
        "privacy_consent": "on",
        "idempotency_key": f"{prefix}-{i:06d}-{secrets.token_hex(8)}",
        # The check-your-answers step's confirmation: the POST that books.
        "confirm": "1",
    }
    if i % 2:
        fields["join_waitlist"] = "on"
    return urllib.parse.urlencode(fields)


def csrf_token(page):
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()


def classify(status, headers):
    if status == 503 and not headers.get("Retry-After"):
        return "503 without Retry-After"
    return status


class BurstClient(Client):
    def request_with_headers(self, method, path, body=None):
        headers = {"Host": f"127.0.0.1:{self.conn.port}"}
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.conn.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.conn.port}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        self.last_page = response.read()  # for saying what an unexpected answer said
        return response.status, dict(response.headers)


def one_shot_storm(port, path, count, prefix, timeout=180):
    """``count`` connections, each GETs the form, then all POST at once; answers + times."""
    barrier = threading.Barrier(count + 1, timeout=timeout)
    answers, lock = [], threading.Lock()

    def run(i):
        client = BurstClient(port)
        client.stamp = False  # make run has no proxy in front to stamp the requests
        client.conn.timeout = timeout
        try:
            for _ in range(FORM_TRIES):
                _, page = client.request("GET", path)
                if b'name="csrfmiddlewaretoken"' in page:
                    break
                time.sleep(1)  # a busy 503 has no form: wait as it asks, and ask again
            token = csrf_token(page)
        except (OSError, AttributeError) as error:
            barrier.abort()
            raise RuntimeError(f"form GET failed: {error}") from error
        # The form's connection has idled past the server's keep-alive by now: every
        # client opens a new one, as the barrier releases them, all at once.
        client.conn.close()
        barrier.wait()
        began = time.perf_counter()
        try:
            status, headers = client.request_with_headers(
                "POST", path, booking_body(i, token, prefix)
            )
            answer = classify(status, headers)
            if answer not in (302, 409, 503):  # what the page said, in the site's words
                answer = f"{answer} {answer_note(client.last_page)}"
        except ConnectionResetError:
            answer = "reset"
        except OSError as error:
            answer = type(error).__name__
        with lock:
            answers.append((answer, time.perf_counter() - began))
        client.conn.close()

    threading.stack_size(256 * 1024)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    for thread in threads:
        thread.join(timeout + 30)
    return answers


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def burst():
    """BURST simultaneous booking POSTs against make run's server on SQLite."""
    name = "faults-sqlite"
    shutil.rmtree(harness.BENCH_DIR / name, ignore_errors=True)
    env = harness.bench_env(name, BOOKING_RATE_LIMIT_PER_IP=BURST * 10)
    env.pop("DATABASE_URL")  # make run: SQLite in FIREBREAK_VAR_DIR
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    env["DEBUG"] = "0"  # the dev settings, without the debug pages' cost
    Path(env["FIREBREAK_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    harness.manage(env, "migrate", "--no-input", "-v0")
    session_pk = int(shell(env, MAKE_SESSION))
    port = harness.free_port()
    web_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": str(THREADS),
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
    }
    log = (harness.BENCH_DIR / f"{name}.log").open("wb")
    cluster = subprocess.Popen(
        [harness.PYTHON, "manage.py", "qcluster"],
        cwd=harness.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    web = subprocess.Popen(
        [harness.PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=harness.ROOT,
        env=web_env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    try:
        harness.wait_until_up(f"http://127.0.0.1:{port}/robots.txt", timeout=120)
        path = f"/booking/session/{session_pk}/"
        began = time.perf_counter()
        answers = one_shot_storm(port, path, BURST, "burst")
        elapsed = time.perf_counter() - began
    finally:
        for process in (web, cluster):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (web, cluster):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    state = outcome(env, session_pk)
    counts = Counter(answer for answer, _ in answers)
    times = [seconds for _, seconds in answers]
    print(f"burst: {BURST} POSTs at once, gunicorn 1 process x {THREADS} threads, SQLite")
    print(f"  answers: {dict(sorted(counts.items(), key=str))}, in {elapsed:.1f} s")
    print(
        f"  latency p50 {median(times):.2f} s, p99 {percentile(times, 0.99):.2f} s, "
        f"max {max(times):.2f} s"
    )
    print(f"  stored: {state}")
    allowed = {302, 409, 503}
    failures = []
    if len(answers) != BURST:
        failures.append(f"{BURST - len(answers)} requests got no answer")
    if set(counts) - allowed:
        failures.append(f"answers outside {sorted(allowed)}: {set(counts) - allowed}")
    if counts[302] != state["rows"]:
        failures.append(f"{counts[302]} redirects but {state['rows']} bookings stored")
    if state["taken"] > CAPACITY:
        failures.append(f"oversold: {state['taken']} > {CAPACITY}")
    return failures


def production_layout(names):
    def run():
        import fault_storm

        return fault_storm.run(names)

    return run


STORMS = ["redis", "kill", "pg-hole", "pg-terminate"]
SCENARIOS = {
    "burst": burst,
    "storm": production_layout(STORMS),
    **{name: production_layout([name]) for name in STORMS},
}


def main():
    # A SIGTERM unwinds like Ctrl-C, so that the servers and processes started here stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    chosen = sys.argv[1:] or ["burst"]
    if chosen == ["all"]:
        chosen = list(SCENARIOS)
    failures = []
    for name in chosen:
        failures += [f"{name}: {failure}" for failure in SCENARIOS[name]()]
    for failure in failures:
        print("FAIL", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
