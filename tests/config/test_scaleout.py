"""Scale-out: two web processes and two workers that share no disk, only PostgreSQL,
Redis and the S3 server.

Each process runs in a working directory of its own with its own ``var/``, as on four
machines. A contest drawing sent to web A is moderated on web B; the renditions are
built by worker 2 (worker 1 is stopped by then) and the public sees them through web
A; a reach import uploaded on A is checked and imported by worker 1. No upload may
land on any process's local disk.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests
from django.conf import settings
from django.db import connection

from core.storage import private_storage
from media.contest.models import Entry
from media.reach.models import ImportJob, Tally
from tests import s3server
from tests.config.test_worker import database_url_for_tests
from tests.media.contest.factories import image_bytes

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="scale-out needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)",
    ),
]

PASSWORD = "scale-out-" + secrets.token_urlsafe(8)
ROOT = settings.BASE_DIR
WAIT = 90  # seconds for a process to start or a task to finish on a busy machine


class Process:
    """One machine's process: its own working directory and ``var/``, a log file."""

    def __init__(self, name, root, env, command):
        self.name = name
        self.home = root / name
        (self.home / "var").mkdir(parents=True)
        self.log = self.home / "process.log"
        env = {**env, "FIREBREAK_VAR_DIR": str(self.home / "var"), "PYTHONPATH": str(ROOT)}
        with self.log.open("wb") as output:
            self.popen = subprocess.Popen(
                command,
                cwd=self.home,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def tail(self):
        return f"{self.name}:\n" + self.log.read_text(errors="replace")[-3000:]

    def terminate(self):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)

    def stop(self):
        self.terminate()
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stored_files(self):
        """Files under this process's var/ that hold uploads (there must be none)."""
        found = []
        for folder in ("media", "private"):
            for _dirs, _subdirs, files in os.walk(self.home / "var" / folder):
                found.extend(files)
        return found


def web(name, root, env):
    port = s3server.free_port()
    process = Process(
        name,
        root,
        {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "config" / "gunicorn.py"),
            "config.wsgi",
        ],
    )
    process.url = f"http://127.0.0.1:{port}"
    return process


def worker(name, root, env):
    return Process(name, root, env, [sys.executable, str(ROOT / "manage.py"), "qcluster"])


def wait_for(what, check, processes):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        for process in processes:
            assert process.popen.poll() is None, process.tail()
        time.sleep(0.3)
    pytest.fail(f"{what}: not within {WAIT} s\n" + "\n".join(p.tail() for p in processes))


def answers(url):
    try:
        return requests.get(url + "/robots.txt", timeout=5).status_code == 200
    except requests.RequestException:
        return False


class Browser(requests.Session):
    """A visitor on one web process: cookies, and the CSRF token sent back."""

    def __init__(self, base):
        super().__init__()
        self.base = base

    def send_form(self, path, data, files=None):
        self.get(self.base + path, timeout=30)
        token = self.cookies.get("csrftoken", "")
        return self.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": token},
            files=files,
            headers={"Referer": self.base + path},
            timeout=60,
            allow_redirects=False,
        )


@pytest.fixture
def scene(home, s3_storages, tmp_path, settings):
    from django.contrib.auth import get_user_model

    from media.reach.permissions import ensure_clerks_group
    from tests.media.contest.factories import make_contest, make_notice, staff
    from tests.media.reach.factories import channel, metric, place

    # Passwords the web processes can check: the test settings' fast hasher is not theirs.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    contest = make_contest(home)
    make_notice()
    moderator = staff("moderator")
    moderator.set_password(PASSWORD)
    moderator.save()
    clerk = get_user_model().objects.create_user("clerk", "clerk@example.cn", PASSWORD)
    clerk.groups.add(ensure_clerks_group())
    leaflets = metric("leaflets", "copies")
    channel(leaflets, "truck", "宣传车巡回")
    place("澄江街道")

    name = f"scaleout-{uuid.uuid4().hex[:8]}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_SETTINGS", "MEDIA_ROOT", "PRIVATE_FILES"))
    }
    env.update(
        s3_storages,  # the same buckets as this test process's storages
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),  # one key: django-q2 signs queued tasks
        DATABASE_URL=database_url_for_tests(),
        REDIS_URL=os.environ["REDIS_URL"],
        Q_CLUSTER_NAME=name,  # a queue of this test's own on the shared Redis
        Q_WORKERS="1",
        LOG_LEVEL="WARNING",
    )
    processes = {
        "a": web("web-a", tmp_path, env),
        "b": web("web-b", tmp_path, env),
        "worker1": worker("worker-1", tmp_path, env),
    }
    processes["start_worker2"] = lambda: worker("worker-2", tmp_path, env)
    try:
        for key in ("a", "b"):
            wait_for(f"{key} answers", lambda p=processes[key]: answers(p.url), [processes[key]])
        yield contest, env, processes
    finally:
        started = [p for p in processes.values() if isinstance(p, Process)]
        for process in started:  # all at once: each may take seconds to finish
            process.terminate()
        for process in started:
            process.stop()


def test_an_entry_and_an_import_cross_web_processes_and_workers_that_share_no_disk(scene):
    contest, env, processes = scene
    web_a, web_b, worker1 = processes["a"], processes["b"], processes["worker1"]
    running = [web_a, web_b, worker1]

    # A reach import uploaded on A, checked and imported by worker 1.
    clerk_a = Browser(web_a.url)
    login = clerk_a.send_form("/admin/login/", {"username": "clerk", "password": PASSWORD})
    assert login.status_code == 302, login.text[-2000:]
    csv = "日期,指标,渠道,地点,数量\n2026-11-02,leaflets,truck,澄江街道,7777\n"
    sent = clerk_a.send_form(
        "/admin/reach_import/", {}, files={"file": ("tallies.csv", csv.encode(), "text/csv")}
    )
    assert sent.status_code == 302, sent.text[-2000:]
    job = ImportJob.objects.get()
    wait_for(
        "the import checked",
        lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.CHECKED,
        running,
    )
    confirmed = clerk_a.send_form(f"/admin/reach_admin/import/{job.pk}/", {})
    assert confirmed.status_code == 302
    wait_for(
        "the import done",
        lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE,
        running,
    )
    assert Tally.objects.filter(count=7777, source="imported").exists()
    assert private_storage.listdir("reach-imports") == ([], [])  # deleted once imported

    # A drawing sent to A: its stripped original goes to the private bucket.
    guardian = Browser(web_a.url)
    drawing = image_bytes()
    submitted = guardian.send_form(
        contest.url,
        {
            "submitted_by": "guardian",
            "category": "drawing",
            "age_group": contest.age_groups.first().pk,
            "title": "消防车来了",
            "display_name": "小雨",
            "school": "江阴市实验小学",
            "grade": "2",
            "guardian_name": "王芳",
            "guardian_phone": "13912345678",
            "consent": "on",
            "notice_version": "1",
        },
        files={"drawing": ("drawing.jpg", drawing, "image/jpeg")},
    )
    assert submitted.status_code == 302, submitted.text[-2000:]
    entry = Entry.objects.get()
    assert entry.original and not entry.display_image
    assert private_storage.exists(entry.original.name)  # this process reads the same bucket
    # The public page on A, cached in the shared cache, shows no unmoderated work.
    assert "消防车来了" not in requests.get(web_a.url + contest.url, timeout=30).text

    # Worker 2 takes over; worker 1 stops.
    worker2 = processes["start_worker2"]()
    processes["worker2"] = worker2
    worker1.stop()
    assert worker1.popen.poll() is not None  # what is built from now on, worker 2 built
    live = [web_a, web_b, worker2]

    # Moderated on B by a contest staff member.
    moderator = Browser(web_b.url)
    login = moderator.send_form("/admin/login/", {"username": "moderator", "password": PASSWORD})
    assert login.status_code == 302, login.text[-2000:]
    approved = moderator.send_form(f"/admin/contest/entries/{entry.pk}/approve/", {})
    assert approved.status_code == 302, approved.text[-2000:]
    wait_for(
        "renditions built by worker 2",
        lambda: bool(Entry.objects.get(pk=entry.pk).thumbnail),
        live,
    )
    entry.refresh_from_db()
    assert entry.status == Entry.Status.APPROVED

    # The public, on A, sees the thumbnail, and fetches it from the public bucket.
    gallery = requests.get(web_a.url + contest.url, timeout=30).text
    assert entry.thumbnail.url in gallery
    image = requests.get(entry.thumbnail.url, timeout=10)
    assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"
    # The original stays private: no URL, and refused to anyone without credentials.
    original = f"{env['S3_ENDPOINT_URL']}/{env['S3_PRIVATE_BUCKET']}/{entry.original.name}"
    assert requests.get(original, timeout=10).status_code == 403

    # No upload on any machine's own disk.
    for process in (web_a, web_b, worker1, worker2):
        assert process.stored_files() == [], process.name
