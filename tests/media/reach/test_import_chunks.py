"""An import is read, checked and written a chunk at a time, in one transaction: every
rule still holds across chunks, and an error in any chunk leaves nothing written."""

import datetime
import io
import types

import pytest
from django.utils import translation
from openpyxl import Workbook

from media.reach import imports, services
from media.reach.models import Tally, TallyRevision
from media.reach.services import write

from .factories import channel, metric, place

pytestmark = pytest.mark.django_db
HEADER = ["日期", "指标", "渠道", "地点", "数量", "周期"]
DAY = datetime.date(2020, 7, 1)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(write, "CHUNK_ROWS", 2)


@pytest.fixture
def catalogue():
    leaflets = metric("leaflets", "copies")
    channel(leaflets, "truck", "宣传车巡回")
    place("澄江街道")
    place("南闸街道")
    return leaflets


def day_rows(days, place_name="澄江街道"):
    return [
        [str(DAY + datetime.timedelta(days=n)), "leaflets", "truck", place_name, str(n + 1), "日"]
        for n in range(days)
    ]


def test_a_file_of_many_chunks_is_checked_without_writing_then_imported_whole(catalogue):
    rows = [HEADER, *day_rows(5), *day_rows(4, "南闸街道")]
    checked, errors, plan = imports.validate_rows(rows)
    assert (checked, errors) == (9, [])
    assert plan["metrics"][0]["new"] == 9
    assert not Tally.objects.exists() and not TallyRevision.objects.exists()

    assert services.apply_rows(rows) == (9, 0)
    assert Tally.objects.count() == 9
    assert TallyRevision.objects.filter(action="create").count() == 9
    # The same file again: every row found, in whichever chunk, and nothing changes.
    assert services.apply_rows(rows) == (0, 0)


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_key_repeated_in_a_later_chunk_is_refused_by_row_and_column(catalogue, dry_run):
    rows = [HEADER, *day_rows(5)]
    rows.append(list(rows[1]))  # row 7 repeats row 2, three chunks later
    rows[-1][4] = "99"
    with translation.override("zh-hans"):
        result, errors = imports.import_table(rows, dry_run=dry_run)
    assert [(e["row"], e["message"]) for e in errors] == [
        (7, "与第 2 行的指标、渠道、周期、地点和活动完全相同。")
    ]
    assert not Tally.objects.exists() and not TallyRevision.objects.exists()


def test_a_month_overlapping_days_of_an_earlier_chunk_is_refused(catalogue):
    rows = [HEADER, *day_rows(6), ["2020-07-01", "leaflets", "truck", "澄江街道", "1000", "月"]]
    with translation.override("zh-hans"):
        _result, errors = imports.import_table(rows, dry_run=False)
    assert [(e["row"], e["column"]) for e in errors] == [(8, "周期")]
    assert not Tally.objects.exists()


def test_a_broken_cell_in_the_last_chunk_rolls_back_the_chunks_written_before(catalogue):
    rows = [HEADER, *day_rows(6), ["2020-07-09", "leaflets", "truck", "火星", "5", "日"]]
    with translation.override("en"), pytest.raises(services.WriteError) as refused:
        services.apply_rows(rows)
    assert [(e["row"], e["column"]) for e in refused.value.errors] == [(8, "地点")]
    assert "Unknown place" in refused.value.errors[0]["message"]
    assert not Tally.objects.exists() and not TallyRevision.objects.exists()


def test_xlsx_rows_are_read_as_a_stream(catalogue):
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *day_rows(3)]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    rows = imports.read_table(buffer.getvalue(), "t.xlsx")
    assert isinstance(rows, types.GeneratorType)
    assert services.apply_rows(rows) == (3, 0)
