import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core.exports import safe_cell
from media.reach import exports, imports, services
from media.reach.models import ImportJob, Tally

from .factories import channel, metric, place

pytestmark = pytest.mark.django_db
HEADER = "日期,指标,渠道,地点,数量,精确度,周期,活动,备注\n"


@pytest.fixture
def catalogue():
    leaflets = metric("leaflets", "copies")
    channel(leaflets, "truck", "宣传车巡回")
    plays = metric("screen-plays", "plays")
    channel(plays, "bus", "公交车载屏")
    place("澄江街道")
    place("南闸街道")
    return leaflets


def upload(text, name="tallies.csv", encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def check(text, **kwargs):
    """Upload for a dry run; the worker checks the file once the upload is committed."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        job = services.check_import(upload(text, **kwargs))
    job.refresh_from_db()
    return job


def test_good_csv_dry_run_saves_nothing_then_imports_everything(
    catalogue, django_capture_on_commit_callbacks
):
    job = check(
        HEADER
        + "2020-07-20,leaflets,truck,澄江街道,120+,,,,\n"
        "2020-07-20,宣传资料,宣传车巡回,南闸街道,80,,,,早市\n".replace("宣传资料", "leaflets")
    )
    assert job.status == ImportJob.Status.CHECKED and job.total == 2
    assert not Tally.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_import(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created == 2
    first = Tally.objects.get(place__name="澄江街道")
    assert (first.count, first.qualifier, first.source) == (120, "at_least", "imported")


def test_gbk_csv_from_excel_is_read(catalogue):
    job = check(
        HEADER + "2020-07-20,leaflets,宣传车巡回,澄江街道,5,至少,日,,\n", encoding="gb18030"
    )
    assert job.status == ImportJob.Status.CHECKED, job.errors


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("2020-07-20,leaflets,truck,澄江街道,-5,,,,", "数量", "negative"),
        ("2020-07-20,leaflets,truck,澄江街道,many,,,,", "数量", "whole number"),
        ("2020-07-20,leaflets,truck,火星,5,,,,", "地点", "Unknown place"),
        ("2020-02-30,leaflets,truck,澄江街道,5,,,,", "日期", "not a date"),
        ("1999-12-31,leaflets,truck,澄江街道,5,,,,", "日期", "outside"),
        ("2999-01-01,leaflets,truck,澄江街道,5,,,,", "日期", "outside"),
        ("2020-07-20,leaflets,bus,澄江街道,5,,,,", "渠道", "Unknown channel"),
        ("2020-07-20,leaflets,truck,澄江街道,=cmd|' /C calc'!A0,,,,", "数量", "whole number"),
    ],
)
def test_bad_rows_are_reported_by_row_and_nothing_is_saved(catalogue, row, column, fragment):
    good = "2020-07-21,leaflets,truck,澄江街道,5,,,,\n"
    with __import__("django.utils.translation", fromlist=["override"]).override("en"):
        job = check(HEADER + good + row + "\n")
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["row"] == 3
    assert job.errors[0]["column"] == column
    assert fragment in job.errors[0]["message"]
    assert not Tally.objects.exists()
    assert not job.file


def test_row_errors_are_in_chinese_for_chinese_staff(catalogue):
    from django.utils import translation

    rows = (
        "2020-07-20,leaflets,truck,澄江街道,-5,,,,\n"
        "2020-07-20,leaflets,truck,火星,5,,,,\n"
        "2020-07-20,leaflets,truck,澄江街道,很多,,,,\n"
    )
    with translation.override("zh-hans"):
        job = check(HEADER + rows)
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (2, "数量", "数量不能为负数。"),
        (3, "地点", "无法识别的地点“火星”。"),
        (4, "数量", "“很多”不是整数。"),
    ]


def test_wrong_columns_big_files_and_binary_files_are_refused(catalogue):
    wrong = check("day,what,count\n2020-07-20,leaflets,5\n")
    assert wrong.status == ImportJob.Status.INVALID and "指标" in wrong.errors[0]["message"]
    huge = check(HEADER + ("2020-07-20,leaflets,truck,澄江街道,5,,,,\n" * 1_400_000))
    assert huge.status == ImportJob.Status.INVALID
    binary = check(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + b"\x00" * 100, name="x.csv")
    assert binary.status == ImportJob.Status.INVALID
    fake_zip = check(b"PK\x03\x04 not really a workbook", name="x.xlsx")
    assert fake_zip.status == ImportJob.Status.INVALID
    assert not Tally.objects.exists()


def test_xlsx_is_imported(catalogue, django_capture_on_commit_callbacks):
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "metric", "channel", "place", "count"])
    sheet.append([datetime.date(2020, 7, 20), "leaflets", "truck", "澄江街道", 42])
    buffer = io.BytesIO()
    book.save(buffer)
    job = check(buffer.getvalue(), name="t.xlsx")
    assert job.status == ImportJob.Status.CHECKED, job.errors
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_import(job)
    assert Tally.objects.get().count == 42


def test_a_failing_row_during_the_real_import_leaves_nothing_half_imported(
    catalogue, django_capture_on_commit_callbacks
):
    job = check(
        HEADER + "2020-07-20,leaflets,truck,澄江街道,5,,,,\n"
        "2020-07-21,leaflets,truck,澄江街道,6,,,,\n"
    )
    # Between the dry run and the import, the second day gets approved and locked.
    services.approve_period(start=datetime.date(2020, 7, 21), end=datetime.date(2020, 7, 21))
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_import(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 3
    assert not Tally.objects.exists()


def test_export_neutralises_formulas(catalogue):
    leaflets = catalogue
    services.record_tally(
        metric=leaflets,
        channel=channel(leaflets, "truck"),
        place=place(),
        day=datetime.date(2020, 7, 20),
        count=5,
        note="=cmd|' /C calc'!A0",
    )
    rows = list(exports.export_rows(Tally.objects.all()))
    assert rows[1][8] == "'=cmd|' /C calc'!A0"
    csv_text = exports.to_csv(rows).decode("utf-8")
    assert "'=cmd" in csv_text and "\n=cmd" not in csv_text
    book = load_workbook(io.BytesIO(exports.to_xlsx(rows)))
    assert book.active.cell(row=2, column=9).value == "'=cmd|' /C calc'!A0"
    for prefix in "=+-@":
        assert safe_cell(prefix + "1") == "'" + prefix + "1"
    assert safe_cell(-5) == -5


def test_imported_rows_read_back_like_any_other(catalogue, django_user_model):
    user = django_user_model.objects.create(username="importer")
    rows = [
        ["date", "metric", "channel", "place", "count", "note"],
        ["2020-07-20", "leaflets", "truck", "澄江街道", "9", "早市"],
    ]
    checked, errors, _plan = imports.validate_rows(rows)
    assert (checked, errors) == (1, [])
    assert services.apply_rows(rows, user=user) == (1, 0)
    tally = Tally.objects.get()
    assert (tally.count, tally.note, tally.created_by, tally.period_end) == (
        9,
        "早市",
        user,
        datetime.date(2020, 7, 20),
    )
    assert tally.created_at.tzinfo is not None
    # Importing it again with a new count corrects it, with an audit trail.
    rows[1][4] = "11"
    assert services.apply_rows(rows, user=user) == (0, 1)
    assert Tally.objects.get().count == 11
    assert tally.revisions.get(action="update").old_count == 9
