"""Reading and checking CSV/XLSX imports of tallies.

A file is checked whole (sizes, what an XLSX inflates to) before it is parsed; its rows
are then read, checked and written as a stream, a chunk at a time, in one transaction
(``import_table``: all rows or none; the dry run rolls back). Every message for a row
names its row number as a spreadsheet shows it.
"""

import csv
import datetime
import functools
import io
import re
import zipfile
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale

from .models import CampaignPage, Channel, Metric, Place, Tally
from .models.tally import PeriodKind
from .services.write import MAX_ERRORS, TallyRow, WriteError, WriteResult, write_tallies

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000
# An XLSX is a zip of XML: limits on what it inflates to, checked before parsing.
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_XLSX_RATIO = 100
MAX_XLSX_MEMBERS = 200
MAX_COLUMNS = 30
EARLIEST = datetime.date(2000, 1, 1)

# Column: accepted header names (English code, Chinese label).
COLUMNS = {
    "date": ("date", "日期"),
    "metric": ("metric", "指标"),
    "channel": ("channel", "渠道"),
    "place": ("place", "地点"),
    "count": ("count", "数量"),
    "qualifier": ("qualifier", "精确度"),
    "period": ("period", "周期"),
    "campaign": ("campaign", "活动"),
    "note": ("note", "备注"),
}
REQUIRED = ("date", "metric", "channel", "place", "count")
QUALIFIERS = {
    "": Tally.Qualifier.EXACT,
    "exact": Tally.Qualifier.EXACT,
    "精确": Tally.Qualifier.EXACT,
    "at_least": Tally.Qualifier.AT_LEAST,
    "at least": Tally.Qualifier.AT_LEAST,
    "至少": Tally.Qualifier.AT_LEAST,
    "以上": Tally.Qualifier.AT_LEAST,
    "approximate": Tally.Qualifier.APPROXIMATE,
    "约": Tally.Qualifier.APPROXIMATE,
    "大约": Tally.Qualifier.APPROXIMATE,
}
PERIODS = {
    "": PeriodKind.DAY,
    "day": PeriodKind.DAY,
    "日": PeriodKind.DAY,
    "week": PeriodKind.WEEK,
    "周": PeriodKind.WEEK,
    "month": PeriodKind.MONTH,
    "月": PeriodKind.MONTH,
}
COUNT_RE = re.compile(r"^(约|about\s*)?([0-9][0-9,，]*)(\+|余|以上)?$", re.IGNORECASE)


class ImportFileError(Exception):
    """The file as a whole cannot be read (too large, not a table, wrong columns)."""


def template_rows():
    """The header and example rows of the downloadable template: real codes, dated today
    (an open period; an approved one would refuse them), in the campaign running today."""
    from .selectors import featured_campaign

    today = timezone.localdate()
    campaign = featured_campaign(public=False)
    slug = campaign.slug if campaign and campaign.runs_on(today) else ""
    place = Place.objects.order_by("kind", "name").first()
    rows = [[COLUMNS[c][1] for c in COLUMNS]]
    for channel in import_codes()[:2]:
        rows.append(
            [
                today.isoformat(),
                channel.metric.code,
                channel.code,
                place.name if place else "",
                "120",
                "",
                "日",
                slug,
                "",
            ]
        )
    return rows


def import_codes():
    """Every channel a file may name, with its metric (codes and units): derived
    figures are computed, never imported."""
    from .services.write import derived_metric_codes

    return list(
        Channel.objects.select_related("metric")
        .exclude(metric__code__in=derived_metric_codes())
        .order_by("metric__sort_order", "metric__code", "sort_order", "code")
    )


def precheck(data):
    """Refuse, cheaply, a file that is too big or would inflate too far: reads only sizes
    and the first bytes of an XLSX's sheet, never the whole XML."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        _precheck_xlsx(data)
    elif b"\x00" in data[:65536]:
        raise ImportFileError(_("This is not a CSV or XLSX file."))


DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _column_number(letters):
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def _precheck_xlsx(data):
    too_big = ImportFileError(
        _(
            "This XLSX file would unpack to more than %(mb)s MB or hides a very "
            "compressed part; save it again or split it into smaller files."
        )
        % {"mb": MAX_XLSX_UNCOMPRESSED // (1024 * 1024)}
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError(_("This is not a CSV or XLSX file.")) from error
    if len(members) > MAX_XLSX_MEMBERS:
        raise too_big
    if sum(m.file_size for m in members) > MAX_XLSX_UNCOMPRESSED:
        raise too_big
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(
            member.compress_size, 1
        ):
            raise too_big
    sheets = sorted(
        m.filename for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m.filename)
    )
    if not sheets:
        raise ImportFileError(_("This is not a CSV or XLSX file."))
    try:
        with archive.open(sheets[0]) as sheet:
            head = sheet.read(4096)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ImportFileError(_("This is not a CSV or XLSX file.")) from error
    match = DIMENSION_RE.search(head)
    if match and match.group(3):
        rows = int(match.group(4)) - int(match.group(2)) + 1
        columns = _column_number(match.group(3)) - _column_number(match.group(1)) + 1
        if rows > MAX_ROWS + 1 or columns > MAX_COLUMNS:
            raise ImportFileError(
                _(
                    "The sheet spans %(rows)s rows and %(columns)s columns; at most "
                    "%(max_rows)s rows and %(max_columns)s columns are accepted."
                )
                % {
                    "rows": rows,
                    "columns": columns,
                    "max_rows": MAX_ROWS,
                    "max_columns": MAX_COLUMNS,
                }
            )


def read_table(data, filename=""):
    """Rows of cells (strings) from CSV (UTF-8 or GB18030) or XLSX bytes, one at a time:
    the file is checked whole first, its rows are read as they are used."""
    precheck(data)
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file's text encoding was not recognised (use UTF-8)."))
    return _csv_rows(text)


def _csv_rows(text):
    try:
        yield from (row for row in csv.reader(io.StringIO(text, newline="")) if any(row))
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from error


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(_("This is not a CSV or XLSX file.")) from error
    return _xlsx_rows(workbook)


def _xlsx_rows(workbook):
    """The first sheet's rows, streamed (openpyxl's read-only mode parses as it goes)."""
    try:
        for seen, values in enumerate(
            workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        ):
            # Empty rows count too: a sheet of millions of empty rows is refused, not read.
            if seen > MAX_ROWS + 1:
                break
            cells = []
            for value in values:
                if isinstance(value, datetime.datetime):
                    value = value.date().isoformat()
                elif isinstance(value, datetime.date):
                    value = value.isoformat()
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
                cells.append("" if value is None else str(value))
            if any(cells):
                yield cells
    finally:
        workbook.close()


def _header_map(header):
    lookup = {}
    for column, names in COLUMNS.items():
        for name in names:
            lookup[name.lower()] = column
    mapping, unknown = {}, []
    for index, cell in enumerate(header):
        column = lookup.get(cell.strip().lower())
        if column is None:
            if cell.strip():
                unknown.append(cell.strip())
            continue
        mapping[column] = index
    missing = [COLUMNS[c][1] for c in REQUIRED if c not in mapping]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing columns: %(cols)s") % {"cols": "、".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(cols)s") % {"cols": "、".join(unknown)})
        raise ImportFileError(
            _("The first row must hold the template's column names (%(problems)s).")
            % {"problems": "; ".join(parts)}
        )
    return mapping


class _Lookups:
    def __init__(self):
        self.metrics = {}
        for metric in Metric.objects.all():
            self.metrics[metric.code.lower()] = metric
            self.metrics[metric.name.lower()] = metric
        self.channels = {}
        for channel in Channel.objects.all():
            self.channels[(channel.metric_id, channel.code.lower())] = channel
            self.channels[(channel.metric_id, channel.name.lower())] = channel
        self.places = defaultdict(list)
        for place in Place.objects.all():
            self.places[place.name].append(place)
        self.campaigns = {}
        # A locale copy's slug or title names its canonical page, which keeps the figures.
        default = Locale.get_default()
        pages = CampaignPage.objects.order_by("-locale_id")
        canonical = {p.translation_key: p for p in pages if p.locale_id == default.pk}
        for campaign in pages:
            page = canonical.get(campaign.translation_key, campaign)
            self.campaigns[campaign.slug.lower()] = page
            self.campaigns[campaign.title.lower()] = page


def _parse_count(text):
    if text.isascii() and text.isdigit():  # the common case, without the pattern
        return int(text), None
    match = COUNT_RE.match(text.replace(" ", ""))
    if not match:
        return None, None
    count = int(match.group(2).replace(",", "").replace("，", ""))
    if match.group(1):
        return count, Tally.Qualifier.APPROXIMATE
    if match.group(3):
        return count, Tally.Qualifier.AT_LEAST
    return count, None


def validate_rows(rows):
    """The dry run of a table's rows: (rows checked, errors, per-metric plan); errors are
    {row, column, message}. Writes nothing."""
    result, errors = import_table(rows, dry_run=True)
    return result.checked, errors, ({} if errors else result.plan())


def import_table(rows, *, dry_run, user=None, filename="", job_id=None):
    """Check (``dry_run``) or import a table's rows, streamed through the write path in
    ONE transaction: any error in any row and nothing is written. Returns (WriteResult
    with ``checked`` set, errors sorted by row)."""
    reader = _CheckedRows(rows)
    with transaction.atomic():
        try:
            result = write_tallies(
                reader,
                source=Tally.Source.IMPORTED,
                user=user,
                filename=filename,
                reason=_("import"),
                dry_run=dry_run,
                job_id=job_id,
            )
            refused = result.errors
        except WriteError as error:
            result, refused = WriteResult(), error.errors
        # Every rule about figures (overlaps in the file and with stored figures,
        # approvals, derived figures, duplicate keys) is the write path's.
        errors = reader.errors + _named_columns(refused)
        if errors:
            transaction.set_rollback(True)
    result.checked = reader.checked
    errors.sort(key=lambda error: error["row"])
    return result, errors[:MAX_ERRORS]


class _CheckedRows:
    """The table's rows as TallyRows, read and checked cell by cell as the write path
    takes them; rows with broken cells are left out and their errors kept."""

    def __init__(self, rows):
        self.rows, self.errors, self.checked = rows, [], 0

    def __iter__(self):
        rows = iter(self.rows)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("The file is empty."))
        mapping = _header_map(header)
        self.today = timezone.localdate()
        for number, row in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(max)s rows. Split it into smaller files.")
                    % {"max": MAX_ROWS}
                )
            if len(self.errors) < MAX_ERRORS:
                checked = self._check(number, row, mapping)
                if checked is not None:
                    self.checked += 1
                    yield checked

    @functools.cached_property
    def _lookups(self):
        return _Lookups()

    def _check(self, number, row, mapping):
        """The row's TallyRow, or None with its errors added."""
        lookups, errors, today = self._lookups, self.errors, self.today

        def error(number, column, message):
            errors.append(
                {"row": number, "column": COLUMNS[column][1] if column else "", "message": message}
            )

        cell = {c: (row[i].strip() if i < len(row) else "") for c, i in mapping.items()}
        before = len(errors)
        for column in REQUIRED:
            if not cell.get(column):
                error(number, column, _("This cell is empty."))
        if len(errors) > before:
            return None
        metric = lookups.metrics.get(cell["metric"].lower())
        if metric is None:
            error(number, "metric", _("Unknown metric “%(value)s”.") % {"value": cell["metric"]})
        channel = None
        if metric is not None:
            channel = lookups.channels.get((metric.pk, cell["channel"].lower()))
            if channel is None:
                error(
                    number,
                    "channel",
                    _("Unknown channel “%(value)s” for this metric.") % {"value": cell["channel"]},
                )
        places = lookups.places.get(cell["place"], [])
        place = places[0] if len(places) == 1 else None
        if not places:
            error(number, "place", _("Unknown place “%(value)s”.") % {"value": cell["place"]})
        elif len(places) > 1:
            error(
                number,
                "place",
                _("More than one place is called “%(value)s”.") % {"value": cell["place"]},
            )
        try:
            day = datetime.date.fromisoformat(cell["date"].replace("/", "-"))
        except ValueError:
            day = None
            error(
                number,
                "date",
                _("“%(value)s” is not a date like 2020-07-15.") % {"value": cell["date"]},
            )
        count, qualifier_from_count = _parse_count(cell["count"])
        if count is None:
            if cell["count"].lstrip().startswith("-"):
                error(number, "count", _("A count cannot be negative."))
            else:
                error(
                    number,
                    "count",
                    _("“%(value)s” is not a whole number.") % {"value": cell["count"][:40]},
                )
        elif count > 10**12:
            error(number, "count", _("This count is implausibly large."))
        qualifier_text = cell.get("qualifier", "").lower()
        qualifier = QUALIFIERS.get(qualifier_text)
        if qualifier is None:
            error(
                number,
                "qualifier",
                _("Unknown qualifier “%(value)s” (use 精确, 至少 or 约).")
                % {"value": cell["qualifier"]},
            )
        elif qualifier_from_count and not qualifier_text:
            qualifier = qualifier_from_count
        kind = PERIODS.get(cell.get("period", "").lower())
        if kind is None:
            error(
                number,
                "period",
                _("Unknown period “%(value)s” (use 日, 周 or 月).") % {"value": cell["period"]},
            )
        campaign = None
        if cell.get("campaign"):
            campaign = lookups.campaigns.get(cell["campaign"].lower())
            if campaign is None:
                error(
                    number,
                    "campaign",
                    _("Unknown campaign “%(value)s”.") % {"value": cell["campaign"]},
                )
        if day is not None and (day < EARLIEST or day > today):
            error(
                number,
                "date",
                _("The date %(day)s is outside the accepted range (2000-01-01 to today).")
                % {"day": day},
            )
        if len(errors) > before:
            return None
        return TallyRow(
            metric_id=metric.pk,
            channel_id=channel.pk,
            place_id=place.pk,
            campaign_id=campaign.pk if campaign else None,
            period_kind=kind,
            day=day,
            count=count,
            qualifier=qualifier,
            note=cell.get("note", "")[:300],
            line=number,
        )


def _named_columns(errors):
    """The write path names a column by its field; the file's reader knows its header."""
    for error in errors:
        for column, names in COLUMNS.items():
            if error["column"] == column:
                error["column"] = names[1]
    return errors
