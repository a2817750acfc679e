"""Backups that restore: the database and every upload, captured together.

A backup is one tar archive:

- ``manifest.json``: format, Firebreak version, database vendor, the migrations applied,
  and the size and SHA-256 of every other member;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site
  runs) or ``database.pgdump`` (``pg_dump -Fc``: one snapshot transaction);
- ``storage/<name>/<path>``: every file of each storage — public uploads (``default``),
  private ones (contest originals, reach imports), read through Django's storage API,
  so object storage is backed up the same way as a local folder.

Restore goes into an empty install only (no table in the database, no file in the
storages), checks every checksum before it writes anything, and refuses an archive from
another database vendor or from a newer Firebreak (migrations this code does not know).
An archive from an older version is restored and then migrated forward.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def firebreak_version():
    try:
        return metadata.version("firebreak")
    except metadata.PackageNotFoundError:
        return "unknown"


# Storages renamed since a backup may have been made: the label in the archive → today's.
# Contest originals had a storage of their own before all private files shared one.
RENAMED = {"contest-private": "private"}


def storage_targets(manifest):
    """The storage here that takes each storage label of the archive."""
    available = backed_up_storages()
    targets = {label: available.get(RENAMED.get(label, label)) for label in manifest["storages"]}
    unknown = [label for label, storage in targets.items() if storage is None]
    if unknown:
        raise BackupError(f"the backup holds files of a storage unknown here: {unknown[0]}")
    return targets


def backed_up_storages():
    """Every storage that holds uploads, by a stable name (static files are rebuilt)."""
    return {alias: storages[alias] for alias in settings.STORAGES if alias != "staticfiles"}


def walk(storage, directory=""):
    """Every file name in ``storage`` below ``directory``, depth first."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        yield from walk(storage, f"{directory}/{folder}" if directory else folder)


def _vendor():
    return connections[DEFAULT_DB_ALIAS].vendor


def _pg_environment():
    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGCONNECT_TIMEOUT": "10"}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _dump_database(target):
    """Write a consistent copy of the database to ``target``; returns the member name."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        # SQLite would wait for its own write lock; PostgreSQL's pg_dump would not see
        # this transaction's rows. A backup runs on its own, never inside a change.
        raise BackupError("a backup cannot run inside a database transaction")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return "database.sqlite3"
    if connection.vendor == "postgresql":
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            env=_pg_environment(),
            check=True,
            capture_output=True,
        )
        return "database.pgdump"
    raise BackupError(f"no backup method for the {connection.vendor} database")


def _applied_migrations():
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _digest_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Summary:
    path: Path
    files: int
    bytes: int


def create_backup(directory):
    """Write a new archive into ``directory`` and return its Summary."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    final = directory / f"firebreak-{stamp}.tar"
    partial = directory / f".firebreak-{stamp}.tar.partial"
    members = []
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(partial, "w") as archive:
        dump = Path(tmp) / "database"
        name = _dump_database(dump)
        archive.add(dump, arcname=name)
        members.append({"name": name, "size": dump.stat().st_size, "sha256": _digest_file(dump)})
        for label, storage in backed_up_storages().items():
            for file_name in walk(storage):
                arcname = f"storage/{label}/{file_name}"
                with storage.open(file_name, "rb") as source:
                    spooled = Path(tmp) / "file"
                    with open(spooled, "wb") as copy:
                        shutil.copyfileobj(source, copy, CHUNK)
                archive.add(spooled, arcname=arcname)
                members.append(
                    {
                        "name": arcname,
                        "size": spooled.stat().st_size,
                        "sha256": _digest_file(spooled),
                    }
                )
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "firebreak": firebreak_version(),
            "database": _vendor(),
            "migrations": _applied_migrations(),
            "storages": sorted(backed_up_storages()),
            "members": members,
        }
        manifest_path = Path(tmp) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        archive.add(manifest_path, arcname=MANIFEST)
    partial.rename(final)  # a crash mid-backup never leaves a file that looks complete
    return Summary(final, len(members), final.stat().st_size)


def rotate(directory, keep):
    """Delete all but the ``keep`` newest archives in ``directory``; returns those deleted."""
    archives = sorted(Path(directory).glob("firebreak-*.tar"))
    stale = archives[:-keep] if keep > 0 else []
    for path in stale:
        path.unlink()
    return stale


def newest_backup(directory):
    archives = sorted(Path(directory).glob("firebreak-*.tar"))
    return archives[-1] if archives else None


def scheduled_backup():
    """The daily django-q2 schedule: a backup in BACKUP_DIR, then rotation."""
    summary = create_backup(settings.BACKUP_DIR)
    rotate(settings.BACKUP_DIR, settings.BACKUP_KEEP)
    return f"{summary.path.name}: {summary.files} members, {summary.bytes} bytes"


# -- restore ---------------------------------------------------------------------------


def _safe_member_name(name):
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"the archive holds an unsafe path: {name!r}")
    return path


def read_manifest(archive):
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError("this is not a Firebreak backup: it has no manifest.json") from None
    try:
        manifest = json.load(archive.extractfile(member))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"manifest.json cannot be read: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"backup format {manifest.get('format')!r} is not the format this version "
            f"reads ({FORMAT})"
        )
    return manifest


def check_compatible(manifest):
    """Refuse an archive this install cannot take, saying why."""
    vendor = _vendor()
    if manifest["database"] != vendor:
        raise BackupError(
            f"the backup holds a {manifest['database']} database and this install uses "
            f"{vendor}: restore it into an install of the same kind"
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(
            f"the backup was made by a newer Firebreak ({manifest['firebreak']}; this is "
            f"{firebreak_version()}): {len(unknown)} migrations unknown here, e.g. "
            f"{', '.join(unknown[:3])}. Upgrade this install first."
        )


def check_empty():
    tables = connections[DEFAULT_DB_ALIAS].introspection.table_names()
    if tables:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables): restore only into an empty "
            "install, so that nothing is overwritten or mixed"
        )
    for label, storage in backed_up_storages().items():
        if next(walk(storage), None) is not None:
            raise BackupError(
                f"the storage {label!r} already holds files: restore only into an empty install"
            )


def _extract_verified(archive, manifest, target):
    """Extract every listed member to ``target``, checking size and SHA-256."""
    listed = {member["name"]: member for member in manifest["members"]}
    for info in archive.getmembers():
        if info.name == MANIFEST:
            continue
        _safe_member_name(info.name)
        if info.name not in listed or not info.isfile():
            raise BackupError(f"the archive holds {info.name!r}, which its manifest does not list")
    for name, expected in listed.items():
        try:
            info = archive.getmember(name)
        except KeyError:
            raise BackupError(f"the archive lacks {name!r}, which its manifest lists") from None
        destination = target / _safe_member_name(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with archive.extractfile(info) as source, open(destination, "wb") as copy:
            while block := source.read(CHUNK):
                digest.update(block)
                copy.write(block)
        if (
            digest.hexdigest() != expected["sha256"]
            or destination.stat().st_size != expected["size"]
        ):
            raise BackupError(f"{name!r} does not match its checksum: the archive is damaged")


def _load_database(extracted):
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        source = sqlite3.connect(extracted / "database.sqlite3")
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    connection.close()
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings.DATABASES[DEFAULT_DB_ALIAS]['NAME']}",
            str(extracted / "database.pgdump"),
        ],
        env=_pg_environment(),
        check=True,
        capture_output=True,
    )


def restore_backup(path):
    """Restore ``path`` into this (empty) install; returns the manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    if not tarfile.is_tarfile(path):
        raise BackupError(f"{path.name} is not a tar archive")
    with tarfile.open(path, "r:") as archive, tempfile.TemporaryDirectory() as tmp:
        manifest = read_manifest(archive)
        check_compatible(manifest)
        check_empty()
        targets = storage_targets(manifest)  # refused before anything is written
        extracted = Path(tmp)
        _extract_verified(archive, manifest, extracted)
        _load_database(extracted)
        for label in manifest["storages"]:
            root = extracted / "storage" / label
            if not root.is_dir():
                continue
            storage = targets[label]
            for file_path in sorted(p for p in root.rglob("*") if p.is_file()):
                name = file_path.relative_to(root).as_posix()
                with open(file_path, "rb") as handle:
                    saved = storage.save(name, File(handle))
                if saved != name:
                    raise BackupError(f"{label}/{name} was stored as {saved}")
    return manifest
