"""Shared set-up for the benchmark scripts: a production-configured server on loopback.

``prepare()`` builds a separate benchmark database with the demo content;
``serve()`` runs gunicorn with ``config.settings.production`` against it on 127.0.0.1.
Nothing here talks to anything but this machine.
"""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BENCH_DIR = ROOT / "var" / "bench"


def _allowed_ports():
    """``BENCH_PORTS`` ("8131-8139" or "8131,8132"): the ports a run may take, if limited."""
    ports = []
    for part in filter(None, os.environ.get("BENCH_PORTS", "").split(",")):
        first, _, last = part.partition("-")
        ports.extend(range(int(first), int(last or first) + 1))
    return ports


def free_port():
    """A free loopback port: among ``BENCH_PORTS`` when set (shared machines), else any."""
    for port in _allowed_ports() or [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port among BENCH_PORTS")


def bench_env(name="pages", database_url=None, redis_url=None, **extra):
    """Environment for a production-configured process on a benchmark database."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SMS_BACKEND=os.environ.get("SMS_BACKEND", "core.sms.LogSMSBackend"),
        EMAIL_BACKEND=os.environ.get(
            "EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
        ),
        SITE_URL="http://127.0.0.1",
        DATABASE_URL=database_url or f"sqlite:///{BENCH_DIR / (name + '.sqlite3')}",
        FIREBREAK_VAR_DIR=str(BENCH_DIR / name),
        MEDIA_ROOT=str(BENCH_DIR / name / "media"),
        LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, quiet=True):
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def prepare(env):
    """Migrate, collect static files and load the demo content (idempotent)."""
    Path(env["FIREBREAK_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    # The demo's bookings and entries write messages to example numbers. A benchmark's
    # environment delivers none (the log SMS backend, email kept on this machine: the
    # in-memory backend, or the scale-out's files), so it says so to the demo command.
    manage(env, "demo", "--no-admin", "--send-messages")


def wait_until_up(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP error status: the server is up
                return
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up in {timeout} s")


@contextlib.contextmanager
def serve(env, workers=2, threads=1, port=None, app="config.wsgi", start_timeout=60):
    """Run gunicorn on 127.0.0.1; yield (base URL, the gunicorn master's Popen)."""
    port = port or free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_MAX_REQUESTS": "0",
    }
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.py",
            "--access-logfile",
            "/dev/null",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/robots.txt", timeout=start_timeout)
        yield base, process
    finally:
        stop(process, timeout=20)


def stop(process, timeout):
    """Terminate a process started here; kill it if it is still there after ``timeout``."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def children(pid):
    """PIDs of a process's direct children (gunicorn's workers)."""
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        found = []
        for task in tasks:
            text = (task / "children").read_text().split()
            found.extend(int(child) for child in text)
        return found
    except OSError:
        return []


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid, reaped=False):
    """User + system CPU time a process has used so far; with ``reaped``, that of its
    children that ended and were waited for too."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(value) for value in fields[11 : 15 if reaped else 13]) / ticks


def shell(env, code):
    """Run ``code`` in ``manage.py shell`` on the benchmark database; its last line."""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def forget_redis_keys(redis_url, *prefixes):
    """Remove what a run left in a shared Redis: its cache entries, its task queue."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for prefix in prefixes:
        for key in client.scan_iter(match=f"*{prefix}*", count=1000):
            client.delete(key)


def recreate_postgres_database(url):
    """A fresh, empty benchmark database at ``url``; False when PostgreSQL is not there."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    dbname = parts.path.lstrip("/")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{dbname}"')
    except psycopg.Error as error:
        print(f"PostgreSQL not reachable ({error}): skipped", file=sys.stderr)
        return False
    return True
