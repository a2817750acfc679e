"""CSV/XLSX import and export of tallies.

Reading and checking happen in memory before anything is written (the dry run).
Writing happens in one transaction: a file is imported completely or not at all.
Every message for a row names its row number as a spreadsheet shows it.
"""

import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CampaignPage, Channel, Metric, Place, Tally, TallyRevision
from .models.tally import PeriodKind, normalise_period_start, period_end
from .services import locking_period

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000
MAX_ERRORS = 200
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
    """The header and two example rows of the downloadable template."""
    return [
        [COLUMNS[c][1] for c in COLUMNS],
        [
            "2020-07-20",
            "leaflets",
            "truck",
            "澄江街道",
            "120",
            "至少",
            "日",
            "100-day-campaign",
            "",
        ],
        ["2020-07-20", "screen-plays", "bus", "江阴市", "40", "", "日", "100-day-campaign", ""],
    ]


def read_table(data, filename=""):
    """Rows of cells (strings) from CSV (UTF-8 or GB18030) or XLSX bytes."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if b"\x00" in data[:65536]:
        raise ImportFileError(_("This is not a CSV or XLSX file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file's text encoding was not recognised (use UTF-8)."))
    try:
        return [row for row in csv.reader(io.StringIO(text, newline="")) if any(row)]
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
    rows = []
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
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
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    return rows


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
        for campaign in CampaignPage.objects.filter(alias_of__isnull=True):
            self.campaigns[campaign.slug.lower()] = campaign
            self.campaigns[campaign.title.lower()] = campaign


def _parse_count(text):
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
    """(clean rows, errors): errors are {row, column, message}; clean only if no errors."""
    if not rows:
        raise ImportFileError(_("The file is empty."))
    mapping = _header_map(rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows. Split it into smaller files.")
            % {"max": MAX_ROWS}
        )
    lookups = _Lookups()
    today = timezone.localdate()
    clean, errors, seen = [], [], {}

    def error(number, column, message):
        errors.append(
            {"row": number, "column": COLUMNS[column][1] if column else "", "message": message}
        )

    for number, row in enumerate(rows[1:], start=2):
        cell = {c: (row[i].strip() if i < len(row) else "") for c, i in mapping.items()}
        before = len(errors)
        for column in REQUIRED:
            if not cell.get(column):
                error(number, column, _("This cell is empty."))
        if len(errors) > before:
            continue
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
        if day is not None and kind is not None:
            start = normalise_period_start(kind, day)
            end = period_end(kind, start)
            if day < EARLIEST or day > today:
                error(
                    number,
                    "date",
                    _("The date %(day)s is outside the accepted range (2000-01-01 to today).")
                    % {"day": day},
                )
            elif campaign is not None and not (campaign.start_date <= day <= campaign.end_date):
                error(
                    number,
                    "date",
                    _("The date %(day)s is outside the campaign's dates.") % {"day": day},
                )
        if len(errors) > before:
            if len(errors) >= MAX_ERRORS:
                break
            continue
        key = (metric.pk, channel.pk, kind, start, place.pk, campaign.pk if campaign else None)
        if key in seen:
            error(
                number,
                None,
                _("Same metric, channel, period, place and campaign as row %(row)s.")
                % {"row": seen[key]},
            )
            continue
        seen[key] = number
        clean.append(
            {
                "row": number,
                "key": key,
                "end": end,
                "count": count,
                "qualifier": qualifier,
                "note": cell.get("note", "")[:300],
            }
        )
    if not errors:
        errors.extend(_check_against_database(clean))
    return clean, errors[:MAX_ERRORS]


def _existing(clean):
    """Existing tallies that rows may update or overlap, by the 4-part place key."""
    if not clean:
        return {}
    metric_ids = {row["key"][0] for row in clean}
    first = min(row["key"][3] for row in clean)
    last = max(row["end"] for row in clean)
    found = defaultdict(list)
    for tally in (
        Tally.objects.filter(
            metric_id__in=metric_ids, period_start__lte=last, period_end__gte=first
        )
        .only(
            "pk",
            "metric_id",
            "channel_id",
            "place_id",
            "campaign_id",
            "period_kind",
            "period_start",
            "period_end",
            "count",
            "qualifier",
            "source",
        )
        .iterator(chunk_size=5000)
    ):
        found[(tally.metric_id, tally.channel_id, tally.place_id, tally.campaign_id)].append(tally)
    return found


def _check_against_database(clean):
    errors = []
    existing = _existing(clean)
    lock_cache = {}
    for row in clean:
        metric_id, channel_id, kind, start, place_id, campaign_id = row["key"]
        lock_key = (campaign_id, start, row["end"])
        if lock_key not in lock_cache:
            lock_cache[lock_key] = locking_period(campaign_id, start, row["end"])
        if lock_cache[lock_key] is not None:
            errors.append(
                {
                    "row": row["row"],
                    "column": COLUMNS["date"][1],
                    "message": _("This period was approved and is locked."),
                }
            )
            continue
        for tally in existing.get((metric_id, channel_id, place_id, campaign_id), ()):
            if tally.period_start > row["end"] or tally.period_end < start:
                continue
            if tally.period_kind != kind:
                errors.append(
                    {
                        "row": row["row"],
                        "column": COLUMNS["period"][1],
                        "message": _(
                            "These days are already counted in a tally of another period length."
                        ),
                    }
                )
            elif tally.source == Tally.Source.DERIVED:
                errors.append(
                    {
                        "row": row["row"],
                        "column": COLUMNS["count"][1],
                        "message": _(
                            "This figure is computed from bookings or contest entries "
                            "and cannot be imported."
                        ),
                    }
                )
            else:
                row["existing"] = tally
        if len(errors) >= MAX_ERRORS:
            break
    return errors


def progress_key(job_id):
    return f"reach:import:{job_id}"


INSERT_FIELDS = (
    "metric",
    "channel",
    "period_kind",
    "period_start",
    "period_end",
    "place",
    "campaign",
    "count",
    "qualifier",
    "source",
    "origin",
    "note",
    "approved",
    "created_by",
    "created_at",
    "updated_at",
)


def _insert(rows):
    """Plain multi-row INSERTs: Django's bulk_create spends most of an import compiling
    SQL value by value; this sends the same rows several times faster."""
    quote = connection.ops.quote_name
    fields = [Tally._meta.get_field(f) for f in INSERT_FIELDS]
    columns = ", ".join(quote(f.column) for f in fields)
    # 50 rows keep the statement short enough for the driver to cache its parsed form.
    size = max(1, min(50, connection.ops.bulk_batch_size(fields, rows)))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(Tally._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path; it runs inside the import's transaction.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            values = ", ".join([one] * len(part))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
            cursor.execute(sql, [value for row in part for value in row])


def apply_rows(clean, *, user=None, job_id=None, batch=2000):
    """Write checked rows in ONE transaction; returns (created, updated)."""
    created = updated = 0
    user_id = user.pk if user is not None else None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        for offset in range(0, len(clean), batch):
            chunk = clean[offset : offset + batch]
            new, changed, revisions = [], [], []
            for row in chunk:
                metric_id, channel_id, kind, start, place_id, campaign_id = row["key"]
                tally = row.get("existing")
                if tally is None:
                    new.append(
                        (
                            metric_id,
                            channel_id,
                            kind,
                            start,
                            row["end"],
                            place_id,
                            campaign_id,
                            row["count"],
                            row["qualifier"],
                            Tally.Source.IMPORTED,
                            "",
                            row["note"],
                            False,
                            user_id,
                            now,
                            now,
                        )
                    )
                elif (tally.count, tally.qualifier) != (row["count"], row["qualifier"]):
                    revisions.append(
                        TallyRevision(
                            tally=tally,
                            description=f"#{tally.pk} {start:%Y-%m-%d}",
                            action=TallyRevision.Action.UPDATE,
                            old_count=tally.count,
                            new_count=row["count"],
                            old_qualifier=tally.qualifier,
                            new_qualifier=row["qualifier"],
                            reason=_("import"),
                            user=user,
                        )
                    )
                    tally.count, tally.qualifier = row["count"], row["qualifier"]
                    tally.source = Tally.Source.IMPORTED
                    changed.append(tally)
            if new:
                _insert(new)
            if changed:
                Tally.objects.bulk_update(
                    changed, ["count", "qualifier", "source"], batch_size=batch
                )
                TallyRevision.objects.bulk_create(revisions, batch_size=batch)
            created += len(new)
            updated += len(changed)
            if job_id is not None:
                # The job row is only visible after commit; the cache shows live progress.
                cache.set(progress_key(job_id), offset + len(chunk), 3600)
    return created, updated


# Export ------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formula injection: text starting with = + - @ gets a '."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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
