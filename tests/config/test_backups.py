"""Backups restore: backup → a fresh, empty install → restore → the same site.

The backup is taken in the test process (of the test database and test storages); the
restore and the check run as `manage.py` in separate processes against a new empty
database and new storage folders, as an operator would run them on a new machine.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from PIL import Image as PILImage

from config import backups

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)
MODELS = [
    "wagtailcore.Page",
    "wagtailimages.Image",
    "events.Event",
    "events.Session",
    "events.Booking",
    "reach.Tally",
    "reach.Metric",
]
URLS = ["/", "/safety-guides/e-bike/", "/booking/", "/campaigns/100-day-campaign/"]


def fingerprint():
    """What a restore must bring back: rows, files and what the public pages say."""
    from django.apps import apps
    from django.test import Client

    from core.storage import private_storage

    rows = {}
    for label in MODELS:
        values = list(apps.get_model(label).objects.order_by("pk").values())
        rows[label] = hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()
    files = {}
    for name, storage in backups.backed_up_storages().items():
        for path in backups.walk(storage):
            with storage.open(path, "rb") as handle:
                files[f"{name}/{path}"] = hashlib.sha256(handle.read()).hexdigest()
    assert any(key.startswith("private/entries/") for key in files), private_storage
    client = Client(HTTP_HOST="localhost")
    pages = {}
    for url in URLS:
        response = client.get(url)
        html = response.content.decode()
        title = html.split("<title>", 1)[1].split("</title>", 1)[0] if "<title>" in html else ""
        pages[url] = [response.status_code, title.strip()]
    return {"rows": rows, "files": files, "pages": pages}


CHECK = (
    "import json, django; django.setup(); "
    "from tests.config.test_backups import fingerprint; print(json.dumps(fingerprint()))"
)


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 40, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def content(home, settings, tmp_path):
    from wagtail.images.models import Image

    from core.storage import private_storage
    from education.models import SafetyGuideIndexPage, SafetyGuidePage
    from media.reach.models import Metric, Tally
    from tests.education.factories import add_page
    from tests.events.factories import BookingFactory
    from tests.media.reach.factories import campaign, channel, metric, place

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_FILES_ROOT = str(tmp_path / "private")
    guides = add_page(home, SafetyGuideIndexPage, title="安全指南", slug="safety-guides")
    add_page(guides, SafetyGuidePage, title="电动车充电", slug="e-bike")
    BookingFactory.create_batch(3)
    image = Image(title="主题公园", file=ImageFile(io.BytesIO(png_bytes()), name="park.png"))
    image.save()
    private_storage.save("entries/original.png", ContentFile(png_bytes()))
    plays = metric("screen-plays", Metric.Unit.PLAYS)
    page = campaign(home)
    Tally.objects.create(
        metric=plays,
        channel=channel(plays),
        place=place(),
        campaign=page,
        period_kind="day",
        period_start=page.start_date,
        period_end=page.start_date,
        count=3800,
    )
    return tmp_path


def restore_environment(target, database_url):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=database_url,
        FIREBREAK_VAR_DIR=str(target),
        MEDIA_ROOT=str(target / "media"),
        PRIVATE_FILES_ROOT=str(target / "private"),
        FRAGMENT_CACHE_SECONDS="0",
        PAGE_CACHE_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)  # the restored install gets a cache of its own
    return env


def run(env, *args):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the same kind as the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'db.sqlite3'}"
        return
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = db.get("USER") or "postgres"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    yield f"postgres://{user}@{host}:{port}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_an_empty_install_serves_the_same_site(
    content, empty_database, tmp_path
):
    before = fingerprint()
    assert before["pages"]["/safety-guides/e-bike/"][0] == 200
    archive = backups.create_backup(tmp_path / "backups").path

    target = tmp_path / "restored"
    target.mkdir(exist_ok=True)
    env = restore_environment(target, empty_database)
    restored = run(env, "manage.py", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    after = run(env, "-c", CHECK)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout.strip().splitlines()[-1]) == before

    again = run(env, "manage.py", "restore", str(archive))
    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_a_damaged_or_foreign_archive_is_refused_before_anything_is_written(content, tmp_path):
    archive = backups.create_backup(tmp_path / "backups").path
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if info.name.startswith("storage/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    with tarfile.open(damaged) as opened:
        manifest = backups.read_manifest(opened)
        with pytest.raises(backups.BackupError, match="checksum"):
            backups._extract_verified(opened, manifest, tmp_path / "x")

    newer = {**manifest, "migrations": [*manifest["migrations"], ["events", "9999_future"]]}
    with pytest.raises(backups.BackupError, match="newer Firebreak"):
        backups.check_compatible(newer)
    other = {**manifest, "database": "mysql"}
    with pytest.raises(backups.BackupError, match="mysql database"):
        backups.check_compatible(other)

    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as bad:
        body = json.dumps({**manifest, "members": [{"name": "../x", "size": 1, "sha256": ""}]})
        info = tarfile.TarInfo(backups.MANIFEST)
        info.size = len(body.encode())
        bad.addfile(info, io.BytesIO(body.encode()))
        info = tarfile.TarInfo("../x")
        info.size = 1
        bad.addfile(info, io.BytesIO(b"x"))
    with tarfile.open(evil) as opened, pytest.raises(backups.BackupError, match="unsafe path"):
        backups._extract_verified(opened, manifest, tmp_path / "y")
    assert not (tmp_path / "y").exists()


def test_the_backup_command_rotates_and_the_schedule_runs_it(content, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "daily"
    settings.BACKUP_KEEP = 2
    settings.BACKUP_DIR.mkdir(parents=True)
    for second in range(3):
        (settings.BACKUP_DIR / f"firebreak-20260101T00000{second}Z.tar").write_bytes(b"old")
    made = backups.scheduled_backup().split(":")[0]
    kept = sorted(path.name for path in settings.BACKUP_DIR.glob("firebreak-*.tar"))
    assert kept == ["firebreak-20260101T000002Z.tar", made]
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "manual"), stdout=out)
    assert "members" in out.getvalue()


def test_an_archive_from_before_private_files_shared_one_storage_still_restores(db):
    """Contest originals had a storage labelled ``contest-private`` of their own."""
    targets = backups.storage_targets({"storages": ["default", "private", "contest-private"]})
    assert targets["contest-private"] is targets["private"] is storages["private"]
    with pytest.raises(backups.BackupError, match="unknown here: mystery"):
        backups.storage_targets({"storages": ["default", "mystery"]})
