"""What the write path takes and gives back: rows to write, the result, the refusal."""

import datetime
from dataclasses import dataclass, field

from ..models import Metric, Tally

KEY_FIELDS = ("metric_id", "channel_id", "place_id", "campaign_id", "period_kind")


def key_fields(item):
    """The identity of a figure, less its first day, as keyword arguments: a TallyRow,
    a Tally or a PendingCorrection (their first days go by different names)."""
    return {name: getattr(item, name) for name in KEY_FIELDS}


@dataclass(slots=True)
class TallyRow:
    """One figure to write. ``count=None`` removes the figure. ``line`` is the row number
    in an imported file, for messages. Slots: an import holds up to 200,000 of these."""

    metric_id: int
    channel_id: int
    place_id: int
    day: datetime.date
    count: int | None
    period_kind: str = "day"
    campaign_id: int | None = None
    qualifier: str = Tally.Qualifier.EXACT
    note: str = ""
    line: int | None = None
    # Set by the write path.
    start: datetime.date | None = None
    end: datetime.date | None = None
    existing: Tally | None = None

    @property
    def key(self):
        return (
            self.metric_id,
            self.channel_id,
            self.place_id,
            self.campaign_id,
            self.period_kind,
            self.start,
        )

    @property
    def group(self):
        """Metric × channel × place × campaign: rows of one group must not overlap."""
        return self.key[:4]


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    pending: int = 0
    skipped: int = 0
    checked: int = 0  # rows read from an imported file that passed their cell checks
    errors: list = field(default_factory=list)
    # metric id → {"new", "changed": [[description, old, new]], "unchanged", "deleted"}
    per_metric: dict = field(default_factory=dict)
    tally_ids: list = field(default_factory=list)

    def summary(self, metric_id):
        return self.per_metric.setdefault(
            metric_id, {"new": 0, "changed": [], "unchanged": 0, "deleted": 0}
        )

    def plan(self):
        """The per-metric summary as JSON-safe data (metric name, unit, counts)."""
        metrics = Metric.objects.in_bulk(self.per_metric)
        return {
            "metrics": [
                {
                    "metric": metrics[pk].name,
                    "unit": metrics[pk].get_unit_display(),
                    **summary,
                }
                for pk, summary in sorted(
                    self.per_metric.items(), key=lambda item: metrics[item[0]].sort_order
                )
            ]
        }


class WriteError(Exception):
    """The batch breaks a rule; nothing was written. ``errors``: {row, column, message}."""

    def __init__(self, errors):
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors
        self.messages = [e["message"] for e in errors]
        self.locked = any(e.get("locked") for e in errors)


def row_error(row, column, message, *, locked=False):
    error = {"row": row.line or 0, "column": str(column), "message": str(message)}
    if locked:
        error["locked"] = True
    return error
