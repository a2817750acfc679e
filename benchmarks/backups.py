"""Backup and restore of the demo plus 100,000 generated bookings: time and size.

    .venv/bin/python benchmarks/backups.py                     # SQLite
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/firebreak_backup_bench \\
        .venv/bin/python benchmarks/backups.py                 # and PostgreSQL

For each database: migrate, load the demo, add BENCH_BOOKINGS bookings (default
100,000) spread over generated sessions, then time `manage.py backup`, and
`manage.py restore` into a new empty database and empty storages; report the archive's
size and check that the restored install counts the same bookings. A reference run in
the same script, a plain file copy of the archive (disk speed on this machine), gives
the ratio that machine noise cannot move much.
"""

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BENCH_DIR, PYTHON, ROOT, bench_env, prepare  # noqa: E402

BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))

GENERATE = f"""
import random
from datetime import timedelta
from django.utils import timezone
from events.models import Booking, Event, Session
event = Event.objects.order_by("pk").first()
now = timezone.now()
sessions = Session.objects.bulk_create(
    Session(event=event, starts_at=now - timedelta(days=day),
            ends_at=now - timedelta(days=day, hours=-2), venue="江阴市消防教育馆",
            capacity=10_000)
    for day in range(1, 201)
)
rows = []
for n in range({BOOKINGS}):
    rows.append(Booking(
        session=sessions[n % len(sessions)], reference=f"B{{n:09d}}", status="attended",
        organization=f"江阴市第{{n % 400}}中学", organization_type="school", contact_name="王老师",
        phone=f"138{{n:08d}}", email=f"t{{n}}@example.cn", party_size=1 + n % 40,
        privacy_consent_at=now, attended_count=1 + n % 40,
    ))
    if len(rows) == 5000:
        Booking.objects.bulk_create(rows); rows = []
Booking.objects.bulk_create(rows)
print(Booking.objects.count())
"""
COUNT = "from events.models import Booking; print(Booking.objects.count())"


def run(env, *args):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def fresh_postgres(url, name):
    base, _, _ = url.rpartition("/")
    for statement in (
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    ):
        subprocess.run(["psql", f"{base}/postgres", "-qc", statement], check=True)
    return f"{base}/{name}"


def measure(label, database_url=None):
    name = f"backup-{label}"
    shutil.rmtree(BENCH_DIR / name, ignore_errors=True)
    (BENCH_DIR / f"{name}.sqlite3").unlink(missing_ok=True)
    source = bench_env(name, database_url=database_url)
    prepare(source)
    total = int(run(source, "shell", "-c", GENERATE).split()[-1])
    backups, restores, copies = [], [], []
    archive = None
    for attempt in range(ROUNDS):
        out = BENCH_DIR / name / f"archives-{attempt}"
        started = time.perf_counter()
        line = run(source, "backup", "--output", str(out))
        backups.append(time.perf_counter() - started)
        archive = Path(line.split(" (")[0])

        started = time.perf_counter()
        shutil.copyfile(archive, archive.with_suffix(".copy"))
        copies.append(time.perf_counter() - started)
        archive.with_suffix(".copy").unlink()

        target_name = f"{name}-restored-{attempt}"
        shutil.rmtree(BENCH_DIR / target_name, ignore_errors=True)
        (BENCH_DIR / f"{target_name}.sqlite3").unlink(missing_ok=True)
        target_url = (
            fresh_postgres(database_url, f"{Path(database_url).name}_restored")
            if database_url
            else None
        )
        target = bench_env(target_name, database_url=target_url)
        Path(target["FIREBREAK_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        run(target, "restore", str(archive))
        restores.append(time.perf_counter() - started)
        restored = int(run(target, "shell", "-c", COUNT).split()[-1])
        if restored != total:
            raise RuntimeError(f"restored {restored} bookings of {total}")
    size_mb = archive.stat().st_size / 1e6
    backup, restore, copy = (statistics.median(x) for x in (backups, restores, copies))
    print(
        f"{label}: {total} bookings; archive {size_mb:.1f} MB; backup median {backup:.1f} s "
        f"({backup / copy:.0f}x a file copy of {copy:.2f} s); restore median {restore:.1f} s "
        f"(restore includes migrate's check); rounds {ROUNDS}"
    )


def main():
    measure("sqlite")
    if os.environ.get("BENCH_PG_URL"):
        url = os.environ["BENCH_PG_URL"]
        measure("postgresql", fresh_postgres(url, Path(url).name))


if __name__ == "__main__":
    main()
