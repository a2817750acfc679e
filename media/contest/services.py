"""Every change to a contest or an entry: submission, moderation, judging, results,
withdrawal and retention. Views, admin screens, tasks and the demo call these."""

import hashlib
import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.outbox import Kind, OutboxMessage
from education.signals import public_content_changed

from .models import ContestPage, Entry, Score

Status = Entry.Status

# Which moderation moves are allowed from which state.
MODERATION_MOVES = {
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN},
    Status.APPROVED: {Status.REJECTED, Status.DUPLICATE, Status.WITHDRAWN},
    Status.REJECTED: {Status.APPROVED, Status.WITHDRAWN},
    Status.DUPLICATE: {Status.APPROVED, Status.WITHDRAWN},
    Status.WITHDRAWN: set(),
}


def moderation_moves(entry):
    """The statuses contest staff may move this entry to now (withdrawal is the
    guardian's, through their link, so it is not among them)."""
    return MODERATION_MOVES[Status(entry.status)] - {Status.WITHDRAWN}


class TransitionError(ValidationError):
    pass


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _locked(entry):
    return Entry.objects.select_for_update().select_related("contest").get(pk=entry.pk)


def _move(entry, target):
    if target not in MODERATION_MOVES[Status(entry.status)]:
        raise TransitionError(
            _("An entry that is “%(current)s” cannot become “%(target)s”."),
            code="bad_transition",
            params={"current": entry.get_status_display(), "target": Status(target).label},
        )
    entry.status = target


# Submission


@transaction.atomic
def submit_entry(*, contest, data, notice, drawing=None):
    """Store a new entry; return (entry, withdrawal token). The caller cleaned ``data``.

    ``drawing`` is the sanitised (ContentFile, width, height) from uploads.sanitize_image.
    """
    contest = ContestPage.objects.select_for_update().get(pk=contest.pk)
    if not contest.is_accepting_entries():
        raise TransitionError(_("This contest is not accepting entries now."), code="closed")
    if notice is None:
        raise TransitionError(_("Consent is required."), code="no_consent")
    token = secrets.token_urlsafe(24)
    entry = Entry(
        contest=contest,
        category=data["category"],
        age_group=data["age_group"],
        title=data["title"],
        display_name=data["display_name"],
        school=data["school"],
        grade=data["grade"],
        submitted_by=data.get("submitted_by") or Entry.SubmittedBy.GUARDIAN,
        guardian_name=data["guardian_name"],
        guardian_phone=data["guardian_phone"],
        consent_notice=notice,
        consent_version=notice.version,
        consented_at=timezone.now(),
        essay_text=data.get("essay_text", ""),
        withdrawal_token_hash=hash_token(token),
    )
    if drawing is not None:
        content, entry.image_width, entry.image_height = drawing
        entry.original.save(content.name, content, save=False)
    entry.full_clean(exclude=["original", "display_image", "thumbnail", "withdrawal_token_hash"])
    entry.save()
    _notify(entry, Kind.ENTRY_RECEIVED)
    return entry, token


# Moderation


def _notify(entry, kind, *, phone=""):
    """Write the guardian's SMS to the outbox in the caller's transaction."""
    from . import messages

    return messages.record(entry, kind, phone=phone)


@transaction.atomic
def approve(entry, *, by):
    entry = _locked(entry)
    _move(entry, Status.APPROVED)
    entry.rejection_reason = ""
    entry.duplicate_of = None
    entry.moderated_at, entry.moderated_by = timezone.now(), by
    entry.save()
    if entry.is_drawing and entry.original and not entry.display_image:
        from .tasks import make_entry_renditions

        make_entry_renditions.enqueue(entry.pk)
    _notify(entry, Kind.ENTRY_APPROVED)
    return entry


@transaction.atomic
def reject(entry, *, by, reason):
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Give a reason; it is sent to the guardian."), code="no_reason")
    entry = _locked(entry)
    _move(entry, Status.REJECTED)
    entry.rejection_reason = reason[:200]
    entry.award = ""
    entry.moderated_at, entry.moderated_by = timezone.now(), by
    _delete_public_files(entry)
    entry.save()
    _notify(entry, Kind.ENTRY_REJECTED)
    return entry


def leftover_entries(contest=None):
    """Entries still awaiting moderation although their call has closed (judging started
    or results published): nobody will judge them unless staff act. Of one contest, or
    of all."""
    entries = Entry.objects.filter(status=Status.SUBMITTED).exclude(
        contest__status=ContestPage.Status.OPEN
    )
    return entries if contest is None else entries.filter(contest=contest)


@transaction.atomic
def reject_leftovers(contest, *, by, reason, only):
    """Reject the leftovers among ``only`` (the entry ids staff confirmed), each through
    ``reject``: the same move, reason and SMS as one by one. Returns those rejected.

    The contest is locked first, so a reopening cannot slip in between; an entry moderated
    meanwhile is no longer a leftover and stays as it is.
    """
    contest = _locked_contest(contest)
    entries = leftover_entries(contest).filter(pk__in=only).select_for_update().order_by("pk")
    return [reject(entry, by=by, reason=reason) for entry in entries]


@transaction.atomic
def flag_duplicate(entry, *, by, of=None):
    entry = _locked(entry)
    if of is not None and of.pk == entry.pk:
        raise TransitionError(_("An entry cannot duplicate itself."), code="self_duplicate")
    if of is not None and of.contest_id != entry.contest_id:
        raise TransitionError(_("That entry belongs to another contest."), code="other_contest")
    _move(entry, Status.DUPLICATE)
    entry.duplicate_of = of
    entry.award = ""
    entry.moderated_at, entry.moderated_by = timezone.now(), by
    _delete_public_files(entry)
    entry.save()
    return entry


def _delete_public_files(entry):
    _delete_on_commit(entry.display_image, entry.thumbnail)


def _delete_on_commit(*files):
    """Detach each file from its entry now; delete it once the transaction commits.

    A rollback then leaves the row and its files together, and a storage that fails
    after the commit is logged (``robust``), never turned into an error for a change
    already saved.
    """
    for file in files:
        if file:
            transaction.on_commit(partial(file.storage.delete, file.name), robust=True)
            setattr(file.instance, file.field.attname, None)


def _erase_personal_data(entry, now):
    entry.guardian_name = ""
    entry.guardian_phone = ""
    entry.personal_data_erased_at = now


def find_by_token(token):
    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    return (
        Entry.objects.select_related("contest")
        .filter(Q(withdrawal_token_hash=digest) | Q(sms_token_hash=digest))
        .first()
    )


@transaction.atomic
def withdraw(entry):
    """The guardian's withdrawal: hide the entry, delete the work and personal data.

    The confirmation SMS is written to the outbox with the number, which the entry no
    longer holds; the outbox row forgets it once the message is sent.
    """
    entry = _locked(entry)
    if entry.status == Status.WITHDRAWN:
        return entry
    phone = entry.guardian_phone
    _move(entry, Status.WITHDRAWN)
    now = timezone.now()
    entry.withdrawn_at = now
    entry.award = ""
    _delete_public_files(entry)
    _delete_on_commit(entry.original)
    entry.essay_text = ""
    entry.display_name = ""
    _erase_personal_data(entry, now)
    entry.save()
    _notify(entry, Kind.ENTRY_WITHDRAWN, phone=phone)
    return entry


# Renditions


def build_renditions(entry_id):
    """Make the public display and thumbnail files from the stripped original."""
    from .uploads import make_renditions

    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None or not entry.original or entry.status != Status.APPROVED:
            return False
        with entry.original.open("rb") as original:
            display, thumbnail = make_renditions(original)
        _delete_public_files(entry)
        entry.display_image.save(display.name, display, save=False)
        entry.thumbnail.save(thumbnail.name, thumbnail, save=False)
        entry.save(update_fields=["display_image", "thumbnail"])
    return True


# Judging


def _require_stage(contest, status, message):
    if contest.status != status:
        raise TransitionError(message, code="wrong_stage")


def weighted_total(criteria, marks):
    """0–100 from 0–10 marks: the weighted mean of the marks, times ten."""
    weights = sum(c.weight for c in criteria)
    raw = sum(Decimal(marks[str(c.pk)]) * c.weight for c in criteria) * 10 / weights
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def record_score(entry, *, judge, marks, comment=""):
    """Create or update this judge's score of an approved entry while judging is on."""
    if not judge.has_perm("contest.judge_entry"):
        raise PermissionDenied
    entry = _locked(entry)
    _require_stage(entry.contest, ContestPage.Status.JUDGING, _("Judging is not open."))
    if entry.status != Status.APPROVED:
        raise TransitionError(_("Only approved entries are judged."), code="not_approved")
    criteria = list(entry.contest.criteria.all())
    clean = {}
    for criterion in criteria:
        value = marks.get(str(criterion.pk))
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 10:
            raise TransitionError(_("Give every criterion a mark from 0 to 10."), code="marks")
        clean[str(criterion.pk)] = value
    score, _created = Score.objects.update_or_create(
        entry=entry,
        judge=judge,
        defaults={
            "marks": clean,
            "total": weighted_total(criteria, clean),
            "comment": comment[:300],
            "scored_at": timezone.now(),
        },
    )
    return score


# Stages. Closing entries and publishing results each say their consequences first
# (media/contest/stages.py) and can be undone for UNDO_WINDOW: the award texts go to
# the outbox only once publishing can no longer be undone.

UNDO_WINDOW = timedelta(minutes=30)


def _locked_contest(contest):
    return ContestPage.objects.select_for_update().get(pk=contest.pk)


@transaction.atomic
def start_judging(contest):
    """Close entries (perhaps before the deadline) and open judging."""
    contest = _locked_contest(contest)
    _require_stage(contest, ContestPage.Status.OPEN, _("Judging can start only while open."))
    _set_stage(contest, status=ContestPage.Status.JUDGING, entries_closed_at=timezone.now())
    return ContestPage.objects.get(pk=contest.pk)


def reopen_blocker(contest, now=None):
    """Why closing entries can no longer be undone, or None while it can."""
    now = now or timezone.now()
    if contest.status != ContestPage.Status.JUDGING or contest.entries_closed_at is None:
        return _("Entries are not closed.")
    if now >= contest.entries_closed_at + UNDO_WINDOW:
        return _("The time to undo has passed.")
    if Score.objects.filter(entry__contest=contest).exists():
        return _("Judges have started scoring.")
    return None


@transaction.atomic
def reopen_entries(contest):
    """Undo ``start_judging`` within the window, before any judge has scored."""
    contest = _locked_contest(contest)
    blocker = reopen_blocker(contest)
    if blocker:
        raise TransitionError(blocker, code="too_late")
    _set_stage(contest, status=ContestPage.Status.OPEN, entries_closed_at=None)
    return ContestPage.objects.get(pk=contest.pk)


def awards_open(contest):
    """Awards are set, and changed, only while the contest is being judged."""
    return contest.status == ContestPage.Status.JUDGING


@transaction.atomic
def set_award(entry, award):
    entry = _locked(entry)
    if not awards_open(entry.contest):
        raise TransitionError(_("Awards are set during judging."), code="wrong_stage")
    if award not in Entry.Award.values:
        raise TransitionError(_("Unknown award."), code="award")
    if award and entry.status != Status.APPROVED:
        raise TransitionError(_("Only approved entries can win an award."), code="not_approved")
    entry.award = award
    entry.save(update_fields=["award"])
    return entry


@transaction.atomic
def publish_results(contest):
    """The separate, deliberate step that makes the awards public."""
    contest = _locked_contest(contest)
    _require_stage(contest, ContestPage.Status.JUDGING, _("Results are published after judging."))
    _set_stage(
        contest,
        status=ContestPage.Status.RESULTS_PUBLISHED,
        results_published_at=timezone.now(),
    )
    return ContestPage.objects.get(pk=contest.pk)


def unpublish_blocker(contest, now=None):
    """Why publishing can no longer be undone, or None while it can."""
    now = now or timezone.now()
    if contest.status != ContestPage.Status.RESULTS_PUBLISHED:
        return _("The results are not published.")
    if contest.award_messages_at or now >= contest.results_published_at + UNDO_WINDOW:
        return _("The time to undo has passed.")
    return None


@transaction.atomic
def unpublish_results(contest):
    """Undo ``publish_results`` within the window: the awards are hidden again and
    judging resumes; no award text has gone out yet."""
    contest = _locked_contest(contest)
    blocker = unpublish_blocker(contest)
    if blocker:
        raise TransitionError(blocker, code="too_late")
    _set_stage(contest, status=ContestPage.Status.JUDGING, results_published_at=None)
    return ContestPage.objects.get(pk=contest.pk)


def awarded_entries(contest):
    return Entry.objects.filter(contest=contest, status=Status.APPROVED).exclude(award="")


def send_award_messages(now=None):
    """Text each awarded entry's guardian once publishing can no longer be undone.

    Run by the "contest: award messages" schedule; returns the number of messages.
    Each contest is stamped in the transaction that writes its messages, so a second
    run writes none.
    """
    now = now or timezone.now()
    sent = 0
    due = ContestPage.objects.filter(
        status=ContestPage.Status.RESULTS_PUBLISHED,
        award_messages_at__isnull=True,
        results_published_at__lte=now - UNDO_WINDOW,
    )
    for contest_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            contest = ContestPage.objects.select_for_update().get(pk=contest_id)
            if contest.award_messages_at or contest.status != ContestPage.Status.RESULTS_PUBLISHED:
                continue
            for entry in awarded_entries(contest):
                sent += _notify(entry, Kind.ENTRY_AWARDED) is not None
            _set_stage(contest, award_messages_at=now)
    return sent


def _set_stage(contest, **fields):
    # The page and its translations/aliases share the stage; revisions never carry it
    # (ContestPage.with_content_json keeps the live values).
    ContestPage.objects.filter(translation_key=contest.translation_key).update(**fields)
    public_content_changed.send(sender=ContestPage, scope="contest")


# Retention


def apply_retention(now=None):
    """After a contest's retention period: erase guardian contact data of every entry,
    delete originals of works without an award, and the public files of works that are
    not shown. Returns the number of entries changed."""
    now = now or timezone.now()
    changed = 0
    for contest in ContestPage.objects.filter(entries__isnull=False).distinct():
        if contest.retention_ends_at() > now:
            continue
        with transaction.atomic():
            entries = Entry.objects.select_for_update().filter(contest=contest)
            for entry in entries:
                dirty = False
                if entry.guardian_name or entry.guardian_phone:
                    _erase_personal_data(entry, now)
                    dirty = True
                if not entry.award and entry.original:
                    _delete_on_commit(entry.original)
                    dirty = True
                if entry.status != Status.APPROVED and (entry.display_image or entry.thumbnail):
                    _delete_public_files(entry)
                    dirty = True
                if dirty:
                    entry.save()
                    changed += 1
            # A withdrawal confirmation the outbox gave up on still holds its number.
            OutboxMessage.objects.filter(
                source_id__in=entries.values("pk"), kind=Kind.ENTRY_WITHDRAWN
            ).exclude(phone="").update(phone="")
    return changed


def erase_guardian_data(entry, now=None):
    """Erase one entry's guardian contact data at the guardian's request (idempotent).

    The work stays as it is: withdrawing it is the guardian's separate choice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        entry = _locked(entry)
        _erase_personal_data(entry, now)
        entry.save(update_fields=["guardian_name", "guardian_phone", "personal_data_erased_at"])
    return entry
