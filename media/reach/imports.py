"""Reading and checking CSV/XLSX imports of tallies, in memory, saving nothing (the dry run).

Every message for a row names its row number as a spreadsheet shows it. Writing the
checked rows is `services.apply_rows` (one transaction: all rows or none).
"""

import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CampaignPage, Channel, Metric, Place, Tally
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
