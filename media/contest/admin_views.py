"""Contest screens in the Wagtail admin: moderation, blind judging, results and awards.

Each view checks its own permission; guardian data appears only on the moderation
screens (``contest.view_guardian_data``), never on the judges' screens.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import AwardForm, DuplicateForm, RejectForm, score_form_class
from .models import Category, ContestPage, Entry

moderator_required = permission_required("contest.moderate_entry", raise_exception=True)
judge_required = permission_required("contest.judge_entry", raise_exception=True)
results_required = permission_required("contest.manage_results", raise_exception=True)


def _contests():
    return ContestPage.objects.filter(entries__isnull=False).distinct().order_by("-opens_at")


CURRENT, CLOSED = "current", "closed"


def _queue_scope(entries, scope):
    """Entries of the contests chosen: those still open or in judging (the default),
    those whose results are published (their leftovers), or one contest by id."""
    published = ContestPage.Status.RESULTS_PUBLISHED
    if scope == CLOSED:
        return entries.filter(contest__status=published), CLOSED
    if scope.isdigit() and len(scope) < 12:
        return entries.filter(contest_id=int(scope)), scope
    return entries.exclude(contest__status=published), CURRENT


@moderator_required
def moderation_queue(request):
    status = request.GET.get("status", Entry.Status.SUBMITTED)
    if status not in Entry.Status.values:
        status = Entry.Status.SUBMITTED
    entries = Entry.objects.filter(status=status).select_related("contest", "age_group")
    entries, scope = _queue_scope(entries, request.GET.get("contest", ""))
    category = request.GET.get("category", "")
    if category in Category.values:
        entries = entries.filter(category=category)
    query = request.GET.get("q", "").strip()[:60]
    if query:
        entries = entries.filter(
            Q(title__icontains=query)
            | Q(school__icontains=query)
            | Q(display_name__icontains=query)
        )
    page = Paginator(entries.order_by("submitted_at", "pk"), 50).get_page(
        request.GET.get("page", "1") if request.GET.get("page", "1").isdigit() else 1
    )
    leftovers = Entry.objects.filter(
        status=Entry.Status.SUBMITTED, contest__status=ContestPage.Status.RESULTS_PUBLISHED
    ).count()
    unmoderated = (
        services.leftover_entries()
        .values("contest_id", "contest__title")
        .annotate(n=Count("pk"))
        .order_by("contest_id")
    )
    return render(
        request,
        "contest/admin/moderation_queue.html",
        {
            "page_title": _("Moderation queue"),
            "header_icon": "tasks",
            "entries": page,
            "statuses": Entry.Status.choices,
            "status": status,
            "contests": _contests(),
            "scope": scope,
            "leftovers": leftovers if scope != CLOSED else 0,
            "unmoderated": unmoderated,
            "categories": Category.choices,
            "category": category,
            "query": query,
        },
    )


@moderator_required
def review(request, entry_id):
    entry = get_object_or_404(
        Entry.objects.select_related("contest", "age_group", "consent_notice", "duplicate_of"),
        pk=entry_id,
    )
    similar = (
        Entry.objects.filter(contest=entry.contest)
        .exclude(pk=entry.pk)
        .filter(
            Q(title=entry.title, school=entry.school)
            | (Q(guardian_phone=entry.guardian_phone) & ~Q(guardian_phone=""))
        )
        .only("id", "title", "display_name", "status")[:10]
    )
    return render(
        request,
        "contest/admin/review.html",
        {
            "page_title": _("Entry #%(id)s") % {"id": entry.pk},
            "header_icon": "doc-full",
            "entry": entry,
            "similar": similar,
            "show_guardian": request.user.has_perm("contest.view_guardian_data"),
            "moves": services.moderation_moves(entry),
            "reject_form": RejectForm(),
            "duplicate_form": DuplicateForm(),
        },
    )


def _apply(request, entry_id, action):
    entry = get_object_or_404(Entry, pk=entry_id)
    try:
        action(entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contest_admin:review", entry_id=entry.pk)
    messages.success(request, _("Entry #%(id)s updated.") % {"id": entry.pk})
    return redirect("contest_admin:moderation")


@moderator_required
@require_POST
def approve(request, entry_id):
    return _apply(request, entry_id, lambda e: services.approve(e, by=request.user))


@moderator_required
@require_POST
def reject(request, entry_id):
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _apply(request, entry_id, lambda e: services.reject(e, by=request.user, reason=reason))


@moderator_required
@require_POST
def flag_duplicate(request, entry_id):
    form = DuplicateForm(request.POST)
    original = None
    if form.is_valid() and form.cleaned_data["duplicate_of"]:
        original = Entry.objects.filter(pk=form.cleaned_data["duplicate_of"]).first()

    def action(entry):
        if original is not None and original.contest_id != entry.contest_id:
            raise ValidationError(_("That entry belongs to another contest."))
        services.flag_duplicate(entry, by=request.user, of=original)

    return _apply(request, entry_id, action)


@never_cache
@moderator_required
def original(request, entry_id):
    """The stripped original of an entry, for contest staff only; never cached."""
    entry = get_object_or_404(Entry.objects.only("id", "original"), pk=entry_id)
    if not entry.original:
        raise Http404
    return _file_response(entry.original)


# Judging (blind)


@judge_required
def judging_index(request):
    contests = list(
        ContestPage.objects.filter(
            status=ContestPage.Status.JUDGING, entries__isnull=False
        ).distinct()
    )
    rows = []
    for contest in contests:
        rows.append((contest, selectors.judging_queue(contest, request.user)))
    return render(
        request,
        "contest/admin/judging_index.html",
        {"page_title": _("Judging"), "header_icon": "pick", "rows": rows},
    )


@judge_required
def judge_entry(request, judging_code):
    entry = selectors.blind_entry(judging_code)
    if entry is None:
        raise Http404
    contest = ContestPage.objects.get(pk=entry.contest_id)
    criteria = list(contest.criteria.all())
    form_class = score_form_class(criteria)
    mine = entry.scores.filter(judge=request.user).first()
    initial = {f"c{key}": value for key, value in (mine.marks if mine else {}).items()}
    if mine:
        initial["comment"] = mine.comment
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            marks = {str(c.pk): form.cleaned_data[f"c{c.pk}"] for c in criteria}
            try:
                services.record_score(
                    entry, judge=request.user, marks=marks, comment=form.cleaned_data["comment"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                following = selectors.next_to_judge(entry, request.user)
                if following is None:
                    messages.success(
                        request, _("Your score is saved. You have scored every entry.")
                    )
                    return redirect("contest_admin:judging")
                messages.success(request, _("Your score is saved. Here is the next entry."))
                return redirect("contest_admin:judge_entry", judging_code=following.judging_code)
        status = 400
    else:
        form = form_class(initial=initial)
    return render(
        request,
        "contest/admin/judge_entry.html",
        {
            "page_title": _("Score entry %(code)s") % {"code": entry.judging_code},
            "header_icon": "pick",
            "entry": entry,
            "form": form,
            "mine": mine,
            "next_entry": selectors.next_to_judge(entry, request.user),
            "criteria": criteria,
        },
        status=status,
    )


@never_cache
@judge_required
def judge_image(request, judging_code):
    """The drawing for judges, by judging code: its public URL would lead to the entry's
    public page (name and school), so judges never see it."""
    entry = selectors.blind_entry(judging_code)
    if entry is None:
        raise Http404
    # The gallery rendition once made; until then the stripped original.
    field = entry.display_image or entry.original
    if not field:
        raise Http404
    return _file_response(field)


def _file_response(field):
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Results, awards, stages


def stage_undo(contest):
    """The undo on offer for the contest's last stage change: (action, until) or None."""
    if contest.status == ContestPage.Status.JUDGING and not services.reopen_blocker(contest):
        return ("reopen", contest.entries_closed_at + services.UNDO_WINDOW)
    if contest.status == ContestPage.Status.RESULTS_PUBLISHED and not (
        services.unpublish_blocker(contest)
    ):
        return ("unpublish", contest.results_published_at + services.UNDO_WINDOW)
    return None


@results_required
def results(request, contest_id):
    contest = get_object_or_404(ContestPage, pk=contest_id)
    return render(
        request,
        "contest/admin/results.html",
        {
            "page_title": _("Results: %(title)s") % {"title": contest.title},
            "header_icon": "success",
            "contest": contest,
            "table": selectors.results(contest),
            "award_choices": Entry.Award.choices,
            "can_award": contest.status == ContestPage.Status.JUDGING,
            "undo": stage_undo(contest),
            "unmoderated": services.leftover_entries(contest).count(),
        },
    )


@results_required
def results_index(request):
    contests = _contests()
    if len(contests) == 1:
        return redirect("contest_admin:results", contest_id=contests[0].pk)
    return render(
        request,
        "contest/admin/results_index.html",
        {"page_title": _("Results"), "header_icon": "success", "contests": contests},
    )


@results_required
@require_POST
def set_award(request, entry_id):
    entry = get_object_or_404(Entry, pk=entry_id)
    form = AwardForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Unknown award."))
        services.set_award(entry, form.cleaned_data["award"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(
        reverse("contest_admin:results", args=[entry.contest_id]) + f"#entry-{entry.pk}"
    )
