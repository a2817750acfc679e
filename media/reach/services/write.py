"""The one write path for reach figures.

Day entry, corrections, deletions, imports and the recompute of derived figures all
hand a batch of rows to ``write_tallies``, which applies every rule once:

- a count is a whole number from 0 to 10¹², the channel belongs to the metric, a
  campaign's figure falls inside the campaign's dates;
- no key twice in one batch, and no two periods of different length (day, week,
  month) over the same days of one metric × channel × place × campaign — inside the
  batch or against stored rows — so no day is ever counted twice;
- figures of derived metrics (attendance, contest entries) are written only by the
  recompute, and the recompute never overwrites a figure someone entered;
- a figure an approval in force covers never changes: a typed or imported change is
  refused; a recomputed one becomes a ``PendingCorrection`` that the next approval
  of the period applies (``approve_period``);
- every created, changed or deleted row gets a TallyRevision saying by whom, from
  which source and which file;
- the totals of every metric and day written are recomputed (``totals``) in the same
  transaction, so the dashboards' and pages' sums never differ from the rows;
- cached public pages start afresh only when a public (approved) figure changed: new
  and changed figures are unapproved until an approval, which bumps them itself, so a
  recompute or the minute's scans fold leaves the public pages' caches alone.

Writes take ``write_lock()``, which approval and revocation take too, so an approval
never races a figure being written. New rows go in through one bulk statement (COPY
on PostgreSQL), the fast storage step imports need.

By responsibility: ``rows`` (what goes in and out), ``checks`` (the rules, writing
nothing), ``storage`` (the bulk writes), ``pending`` (corrections waiting for
re-approval); this module runs them in order. Its names are the ones to import.
"""

from dataclasses import dataclass, field
from itertools import batched, chain

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PendingCorrection, Tally, TallyRevision
from ..signals import figures_changed
from .checks import (
    MAX_COUNT,
    QUALIFIERS,
    Catalogue,
    approvals_over,
    derived_metric_codes,
    derived_refusal,
    is_locked,
    match_stored,
    row_errors,
    unique_rows,
)
from .pending import clear_pending, pending_rows, record_pending
from .rows import TallyRow, WriteError, WriteResult, row_error
from .storage import revision, store
from .totals import Touched, refresh_touched

__all__ = [
    "MAX_COUNT",
    "MAX_ERRORS",
    "QUALIFIERS",
    "PendingCorrection",
    "TallyRow",
    "WriteError",
    "WriteResult",
    "derived_metric_codes",
    "pending_rows",
    "write_lock",
    "write_tallies",
]

# pg_advisory_xact_lock key: "reach" in ASCII, one lock for every write to figures.
WRITE_LOCK_KEY = 0x7265616368
Source = Tally.Source


def write_lock():
    """Serialise writes to figures with approvals and revocations (inside atomic()).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: the settings open every
    write transaction IMMEDIATE, so the atomic block already holds the database's
    write lock from BEGIN.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("write_lock() must be taken inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])


@dataclass
class Plan:
    """What a checked batch does: rows to create, tallies to change or delete with their
    revisions, figures waiting for re-approval, and rows that settle a pending one."""

    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    deleted: list = field(default_factory=list)
    revisions: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    settled: list = field(default_factory=list)
    public: bool = False  # a changed or deleted tally was approved (public) before


# Rows checked and written at a time: an import of 200,000 rows never holds them all.
CHUNK_ROWS = 5000
# A refused batch reports at most this many errors (and stops checking there).
MAX_ERRORS = 200


class _Batch:
    """What one batch carries from chunk to chunk: the result so far, the errors, the
    key of every row seen (to refuse a key twice across chunks) and the write's stamp."""

    def __init__(self, source, dry_run, staged):
        self.source, self.strict = source, source != Source.DERIVED
        self.dry_run, self.staged = dry_run, staged
        self.result, self.errors, self.seen = WriteResult(), [], {}
        self.now = timezone.now()
        self.rows = 0
        self.touched = Touched()
        self.public = False


def write_tallies(
    rows,
    *,
    source,
    user=None,
    origin="",
    filename="",
    reason="",
    dry_run=False,
    apply_pending=False,
    job_id=None,
):
    """Apply every rule to a batch of TallyRows and write it: all rows or none.

    ``rows`` may be any iterable (an import streams them): they are checked and
    written ``CHUNK_ROWS`` at a time inside ONE transaction, each chunk checked against
    the chunks written before it, so memory stays bounded and a refusal anywhere rolls
    back every chunk. A dry run of more than one chunk writes the same way under the
    lock and rolls back at the end, so it finds exactly what the real write would.

    ``source``: entered, imported or derived. Entered and imported batches with any
    broken rule raise WriteError (``dry_run`` returns the errors instead) and write
    nothing. A derived batch (the recompute, ``origin`` naming its records) skips keys
    someone entered and turns changes inside approved periods into pending
    corrections; with ``apply_pending`` (an approval applying them) it writes them.
    Returns a WriteResult; with ``dry_run`` nothing is written.
    """
    chunks = batched(rows, CHUNK_ROWS)
    first = next(chunks, ())
    second = next(chunks, None)
    batch = _Batch(source, dry_run, staged=dry_run and second is not None)
    with transaction.atomic():
        if not dry_run or batch.staged:
            write_lock()
        for chunk in chain([first], [] if second is None else [second], chunks):
            if batch.strict and len(batch.errors) >= MAX_ERRORS:
                break
            _write_chunk(
                list(chunk),
                batch,
                user=user,
                origin=origin,
                filename=filename,
                reason=reason,
                apply_pending=apply_pending,
                job_id=job_id,
            )
        result = batch.result
        if batch.strict and batch.errors:
            return _refuse(result, batch.errors[:MAX_ERRORS], dry_run)
        if dry_run:
            transaction.set_rollback(True)
            return result
        refresh_touched(batch.touched)
        if batch.public:
            figures_changed()
    return result


def _write_chunk(rows, batch, *, user, origin, filename, reason, apply_pending, job_id):
    """Check one chunk against everything written before it and (unless a one-chunk dry
    run, or a strict batch already refused) write it."""
    result, source, strict = batch.result, batch.source, batch.strict
    catalogue = Catalogue.of(rows)
    errors = row_errors(rows, source, catalogue)
    rows = unique_rows([r for r in rows if r.start is not None], errors, batch.seen)
    clashing = match_stored(rows, errors if strict else None)
    if not (strict and errors):
        plan = _plan(rows, clashing, source, apply_pending, result, errors, catalogue, batch.now)
    batch.errors += errors
    if strict and batch.errors:
        return
    result.created += len(plan.new)
    result.updated += len(plan.changed)
    result.deleted += len(plan.deleted)
    result.pending += len(plan.pending)
    if batch.dry_run and not batch.staged:
        return
    created = store(
        plan,
        source=source,
        origin=origin,
        user_id=user.pk if user is not None else None,
        reason=reason,
        filename=filename,
        stamp=connection.ops.adapt_datetimefield_value(batch.now),
        describe=catalogue.describe,
    )
    record_pending(plan.pending, origin)
    clear_pending(plan.settled)
    batch.rows += len(rows)
    if job_id is not None and not batch.dry_run:
        from .imports import report_progress

        report_progress(job_id, batch.rows)
    for row in plan.new:
        batch.touched.add(row.metric_id, row.start)
    for tally in (*plan.changed, *plan.deleted):
        batch.touched.add(tally.metric_id, tally.period_start)
    batch.public = batch.public or plan.public
    if not batch.dry_run:
        result.tally_ids += [*created, *(t.pk for t in plan.changed)]


def _refuse(result, errors, dry_run):
    result.errors = errors
    if dry_run:
        return result
    raise WriteError(errors)


def _plan(rows, clashing, source, apply_pending, result, errors, catalogue, now):
    """Sort the checked rows into a Plan, counting them in ``result``; a row that would
    overwrite a derived figure (or, for the recompute, a typed one) or change an
    approved one adds an error (strict batches) or is skipped or kept pending."""
    strict = source != Source.DERIVED
    approvals = approvals_over(rows)
    plan = Plan()
    for row in rows:
        tally = row.existing
        summary = result.summary(row.metric_id)
        if id(row) in clashing:
            result.skipped += 1
            continue
        if tally is not None and (tally.source == Source.DERIVED) != (source == Source.DERIVED):
            if strict:
                errors.append(row_error(row, "count", derived_refusal()))
            else:
                result.skipped += 1
            continue
        same = tally is not None and (tally.count, tally.qualifier) == (row.count, row.qualifier)
        if same or (tally is None and row.count is None):
            result.unchanged += 1
            summary["unchanged"] += 1
            plan.settled.append(row)
            continue
        if is_locked(approvals, row) and not apply_pending:
            if strict:
                message = _(
                    "These figures were approved and can no longer be changed "
                    "(%(start)s – %(end)s)."
                ) % {"start": row.start, "end": row.end}
                errors.append(row_error(row, "date", message, locked=True))
            else:
                plan.pending.append(row)
            continue
        plan.settled.append(row)
        if tally is None:  # created rows are described when their revisions are written
            plan.new.append(row)
            summary["new"] += 1
            continue
        description = catalogue.describe(row)
        plan.public = plan.public or tally.approved
        if row.count is None:
            plan.deleted.append(tally)
            summary["deleted"] += 1
            plan.revisions.append(revision(tally, None, description, TallyRevision.Action.DELETE))
        else:
            summary["changed"].append([description, tally.count, row.count])
            plan.revisions.append(revision(tally, row, description, TallyRevision.Action.UPDATE))
            tally.count, tally.qualifier = row.count, row.qualifier
            tally.note = row.note or tally.note
            tally.source, tally.approved, tally.updated_at = source, False, now
            plan.changed.append(tally)
    return plan
