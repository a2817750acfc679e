"""The write path's storage step: rows and their revisions in bulk, COPY on PostgreSQL.

Called by ``write.write_tallies`` only, under the write lock, once every rule passed.
"""

from django.db import connection
from django.db.models import Max

from ..models import Tally, TallyRevision

TALLY_FIELDS = (
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
REVISION_FIELDS = (
    "tally",
    "description",
    "action",
    "old_count",
    "new_count",
    "old_qualifier",
    "new_qualifier",
    "reason",
    "source",
    "file",
    "user",
    "at",
)


def bulk_insert(model, field_names, values):
    """Plain multi-row INSERTs, COPY on PostgreSQL: Django's bulk_create spends most of
    an import compiling SQL value by value."""
    if not values:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(f) for f in field_names]
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        # 50 rows keep the statement short enough for the driver to cache it.
        size = max(1, min(50, connection.ops.bulk_batch_size(fields, values)))
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for offset in range(0, len(values), size):
            part = values[offset : offset + size]
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(part))}"  # noqa: S608
            cursor.execute(sql, [v for value in part for v in value])


def insert_rows(rows, *, source, origin, user_id, stamp):
    """Insert new tallies; returns their primary keys in row order.

    PostgreSQL: the keys are taken from the table's sequence first and written with
    the rows, so nothing is read back. Elsewhere, under the write lock nobody else
    inserts tallies, so the new rows are those above the highest id."""
    if not rows:
        return []
    postgres = connection.vendor == "postgresql"
    ids = _next_ids(Tally, len(rows)) if postgres else None
    before = None if postgres else Tally.objects.aggregate(last=Max("pk"))["last"] or 0
    values = [
        (
            r.metric_id,
            r.channel_id,
            r.period_kind,
            r.start,
            r.end,
            r.place_id,
            r.campaign_id,
            r.count,
            r.qualifier,
            source,
            origin,
            r.note[:300],
            False,
            user_id,
            stamp,
            stamp,
        )
        for r in rows
    ]
    if postgres:
        values = [(pk, *value) for pk, value in zip(ids, values, strict=True)]
        bulk_insert(Tally, ("id", *TALLY_FIELDS), values)
        return ids
    bulk_insert(Tally, TALLY_FIELDS, values)
    by_key = {
        key[:-1]: key[-1]
        for key in Tally.objects.filter(pk__gt=before)
        .values_list(
            "metric_id",
            "channel_id",
            "place_id",
            "campaign_id",
            "period_kind",
            "period_start",
            "pk",
        )
        .iterator(chunk_size=5000)
    }
    return [by_key[r.key] for r in rows]


def _next_ids(model, count):
    """``count`` new primary keys from the table's own sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def revision(tally, row, description, action):
    """The revision of a stored tally that ``row`` changes (or, with None, deletes)."""
    return TallyRevision(
        tally=tally if action != TallyRevision.Action.DELETE else None,
        description=description,
        action=action,
        old_count=tally.count,
        new_count=row.count if row is not None else None,
        old_qualifier=tally.qualifier,
        new_qualifier=row.qualifier if row is not None else "",
    )


def store(plan, *, source, origin, user_id, reason, filename, stamp, describe):
    """Write a checked plan: new rows, changed rows, deletions, then every revision.
    Returns the new tallies' primary keys in the order of ``plan.new``."""
    reason, filename = reason[:300], filename[:200]
    created = insert_rows(plan.new, source=source, origin=origin, user_id=user_id, stamp=stamp)
    if plan.changed:
        Tally.objects.bulk_update(
            plan.changed,
            ["count", "qualifier", "note", "source", "approved", "updated_at"],
            batch_size=2000,
        )
    if plan.deleted:
        Tally.objects.filter(pk__in=[t.pk for t in plan.deleted]).delete()
    values = [
        (
            r.tally_id,
            r.description,
            r.action,
            r.old_count,
            r.new_count,
            r.old_qualifier,
            r.new_qualifier,
            reason,
            source,
            filename,
            user_id,
            stamp,
        )
        for r in plan.revisions
    ]
    values += [
        (
            pk,
            describe(row),
            TallyRevision.Action.CREATE,
            None,
            row.count,
            "",
            row.qualifier,
            reason,
            source,
            filename,
            user_id,
            stamp,
        )
        for pk, row in zip(created, plan.new, strict=True)
    ]
    bulk_insert(TallyRevision, REVISION_FIELDS, values)
    return created
