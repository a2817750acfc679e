# ruff: noqa: E501  (OOXML part names and relationship types are long literals)
"""Hostile and honest XLSX files through the reach import: memory and time.

    .venv/bin/python benchmarks/imports.py

Generates, in var/bench/imports/: an XLSX whose sheet holds 20,000,000 empty rows
(about 120 MB of XML in a small zip), a shared-strings bomb (about 500 MB of XML), and
an honest file of about 5 MB. Each file goes through the web step
(``services.check_import``: what the upload request runs) in a fresh process, and the
honest file also through the worker's steps (``check_job``, then ``run_import``) in
another, three times (the imported rows deleted between runs); each process reports its
peak RSS and elapsed time. The reference is a
one-row CSV through the same web step in the same run. SQLite in var/bench/.
"""

import json
import os
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench" / "imports"
REPEATS = 3
LIMIT_MB = 300

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>metric</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>channel</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>place</t></is></c>'
    '<c r="E1" t="inlineStr"><is><t>count</t></is></c></row>'
)


def _package(path, sheet_chunks, strings_chunks):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, chunks in (
            ("xl/worksheets/sheet1.xml", sheet_chunks),
            ("xl/sharedStrings.xml", strings_chunks),
        ):
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)


def empty_rows_bomb(path, rows=20_000_000):
    def sheet():
        yield SHEET_HEAD.encode() + HEADER_ROW.encode()
        block = b"<row/>" * 100_000
        for _ in range(rows // 100_000):
            yield block
        yield b"</sheetData></worksheet>"

    strings = [b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>']
    _package(path, sheet(), strings)


def shared_strings_bomb(path, megabytes=500):
    def strings():
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
        block = item * 1000
        for _ in range(megabytes):
            yield block
        yield b"</sst>"

    sheet = [
        (
            SHEET_HEAD + HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
            "</sheetData></worksheet>"
        ).encode()
    ]
    _package(path, sheet, strings())


HONEST_PLACES = 200
HONEST_DAYS = 250  # days per channel and place: 4 channels × 250 days × 200 places at most
NOTES = ("公交车载屏", "户外大屏", "楼宇电视", "社区宣传栏", "商场中庭屏", "地铁站台屏")


def honest_file(path, rows=199_000, target_bytes=5_000_000):
    """A valid import of ``rows`` tallies (every key once, dates in the past year, a
    note on each row as clerks write them), saved as XLSX; fewer rows until the file
    is at most ``target_bytes`` (the upload limit is 5 MiB)."""
    import datetime

    from openpyxl import Workbook

    today = datetime.date.today()
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["date", "metric", "channel", "place", "count", "note"])
    per_place = 4 * HONEST_DAYS
    for i in range(rows):
        place, rest = divmod(i, per_place)
        day = today - datetime.timedelta(days=1 + rest // 4)
        note = f"{NOTES[(i * 7) % len(NOTES)]}第{(i * 13) % 997 + 1}号点位"
        sheet.append([day, "bench-plays", f"c{rest % 4}", f"bench-place-{place}", i % 90 + 1, note])
    book.save(path)
    size = path.stat().st_size
    if size <= target_bytes:
        return rows
    return honest_file(path, int(rows * target_bytes / size * 0.99), target_bytes)


# Measuring, in a child process each ------------------------------------------------------


def child(kind, path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DEBUG"] = "0"  # as in production: no query log growing with the import
    os.environ["DATABASE_URL"] = f"sqlite:///{OUT / 'imports.sqlite3'}"
    os.environ["PRIVATE_FILES_ROOT"] = str(OUT / "private")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import resource

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from media.reach import services
    from media.reach.models import ImportJob

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    dummy = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    if kind == "web":
        data = Path(path).read_bytes()
        with override_settings(TASKS=dummy):
            job = services.check_import(SimpleUploadedFile(Path(path).name, data))
        result = {"status": job.status, "job": job.pk}
    else:
        job = ImportJob.objects.get(pk=int(path))
        job = services.check_job(job.pk)
        checked = job.status
        if job.status == ImportJob.Status.CHECKED:
            with override_settings(TASKS=dummy):
                services.confirm_import(job)
            job = services.run_import(job.pk)
        result = {"status": f"{checked} → {job.status}", "created": job.created}
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["baseline_mb"] = baseline
    print(json.dumps(result))


def run_child(kind, path):
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _bench_env():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{OUT / 'imports.sqlite3'}",
        "PRIVATE_FILES_ROOT": str(OUT / "private"),
    }
    env.pop("REDIS_URL", None)
    return env


def _shell(script):
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], check=True, cwd=ROOT, env=_bench_env()
    )


def remove_imported():
    """Delete the bench metric's tallies, so each worker run imports the same new rows."""
    _shell(
        "from media.reach.models import Tally, TallyRevision\n"
        "Tally.objects.filter(metric__code='bench-plays').delete()\n"
        "TallyRevision.objects.filter(tally__isnull=True).delete()\n"
    )


def prepare_database():
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], check=True, cwd=ROOT, env=_bench_env()
    )
    script = (
        "from media.reach.models import Metric, Channel, Place, Tally, ImportJob\n"
        "Tally.objects.filter(metric__code='bench-plays').delete()\n"
        "ImportJob.objects.all().delete()\n"
        "m, _ = Metric.objects.get_or_create(code='bench-plays', defaults={'name': 'bench', 'unit': 'plays'})\n"
        "[Channel.objects.get_or_create(metric=m, code=f'c{i}', defaults={'name': f'c{i}'}) for i in range(4)]\n"
        "city, _ = Place.objects.get_or_create(name='bench-city', parent=None, defaults={'kind': 'city'})\n"
        f"[Place.objects.get_or_create(name=f'bench-place-{{k}}', parent=city, defaults={{'kind': 'district'}}) for k in range({HONEST_PLACES})]\n"
    )
    _shell(script)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "reference: one-row CSV": OUT / "reference.csv",
        "20 M empty rows (XLSX)": OUT / "empty-rows.xlsx",
        "shared-strings bomb (XLSX)": OUT / "shared-strings.xlsx",
        "honest file (XLSX)": OUT / "honest.xlsx",
    }
    files["reference: one-row CSV"].write_text(
        "date,metric,channel,place,count\n2026-01-05,bench-plays,c0,bench-place-0,1\n"
    )
    if not files["20 M empty rows (XLSX)"].exists():
        empty_rows_bomb(files["20 M empty rows (XLSX)"])
    if not files["shared-strings bomb (XLSX)"].exists():
        shared_strings_bomb(files["shared-strings bomb (XLSX)"])
    honest = files["honest file (XLSX)"]
    if not honest.exists() or honest.stat().st_size < 4_000_000:  # an older, smaller file
        honest_file(honest)
    prepare_database()
    for name, path in files.items():
        with zipfile.ZipFile(path) if path.suffix == ".xlsx" else _no_zip() as archive:
            inflated = sum(m.file_size for m in archive.infolist()) if archive else 0
        print(
            f"{name}: {path.stat().st_size / 1e6:.2f} MB"
            + (f", inflates to {inflated / 1e6:.0f} MB" if inflated else "")
        )
    print()
    print("| file | web: status | web: seconds (median) | web: peak RSS MB | × reference RSS |")
    print("| --- | --- | ---: | ---: | ---: |")
    reference = None
    honest_jobs = []
    for name, path in files.items():
        runs = [run_child("web", path) for _ in range(REPEATS)]
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_mb"] for r in runs)
        reference = reference or peak
        print(
            f"| {name} | {runs[-1]['status']} | {seconds:.3f} | {peak:.0f} | {peak / reference:.2f} |"
        )
        if "honest" in name:
            honest_jobs = [r["job"] for r in runs]
    print()
    print(
        "| worker, honest file (dry run, then import) | status | tallies | seconds | peak RSS MB |"
    )
    print("| --- | --- | ---: | ---: | ---: |")
    workers = []
    for number, job in enumerate(honest_jobs, start=1):
        remove_imported()
        worker = run_child("worker", job)
        workers.append(worker)
        print(
            f"| run {number} | {worker['status']} | {worker['created']:,} | "
            f"{worker['seconds']:.1f} | {worker['peak_mb']:.0f} |"
        )
    print(
        f"| **median** | | | {statistics.median(w['seconds'] for w in workers):.1f} | "
        f"**{statistics.median(w['peak_mb'] for w in workers):.0f}** (limit {LIMIT_MB}; "
        f"baseline {statistics.median(w['baseline_mb'] for w in workers):.0f}) |"
    )
    print(f"load average at the end: {os.getloadavg()}")


class _no_zip:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
