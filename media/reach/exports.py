"""CSV/XLSX exports that are safe to open in a spreadsheet."""

import csv
import io

from core.exports import safe_cell

from .imports import COLUMNS


def export_rows(qs):
    """The header and one row per tally, safe to open in a spreadsheet."""
    yield [COLUMNS[c][1] for c in COLUMNS] + ["来源", "已审核"]
    for tally in qs.select_related("metric", "channel", "place", "campaign").iterator(
        chunk_size=2000
    ):
        yield [
            safe_cell(value)
            for value in (
                tally.period_start.isoformat(),
                tally.metric.code,
                tally.channel.code,
                tally.place.name,
                tally.count,
                tally.get_qualifier_display(),
                tally.get_period_kind_display(),
                tally.campaign.slug if tally.campaign_id else "",
                tally.note,
                tally.get_source_display(),
                "是" if tally.approved else "否",
            )
        ]


def to_csv(rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel in China opens UTF-8 correctly only with a BOM.
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
