"""Closing entries and publishing results: a confirmation that says what will happen,
then the change, then an undo for a while (services.UNDO_WINDOW). Also the step after
closing: rejecting, with one reason, the entries nobody moderated before the call closed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import services, stages
from .admin_views import moderator_required, results_required
from .forms import RejectForm
from .models import ContestPage

CHANGES = {"judging": services.start_judging, "publish": services.publish_results}
UNDOS = {"reopen": services.reopen_entries, "unpublish": services.unpublish_results}


@results_required
def confirm_stage(request, contest_id, stage):
    contest = get_object_or_404(ContestPage, pk=contest_id)
    if not stages.is_known_stage(stage, contest):
        messages.error(request, _("This step is not possible at the contest's current stage."))
        return redirect("contest_admin:results", contest_id=contest.pk)
    if request.method == "POST":
        try:
            contest = CHANGES[stage](contest)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The contest is now: %(stage)s. You can undo this for %(minutes)s minutes.")
                % {
                    "stage": contest.get_status_display(),
                    "minutes": int(services.UNDO_WINDOW.total_seconds() // 60),
                },
            )
        return redirect("contest_admin:results", contest_id=contest.pk)
    titles = {"judging": _("Close entries and start judging"), "publish": _("Publish results")}
    return render(
        request,
        "contest/admin/confirm_stage.html",
        {
            "page_title": titles[stage],
            "header_icon": "warning",
            "contest": contest,
            "impact": stages.impact(contest, stage),
        },
    )


@results_required
@require_POST
def undo_stage(request, contest_id, action):
    contest = get_object_or_404(ContestPage, pk=contest_id)
    undo = UNDOS.get(action)
    try:
        if undo is None:
            raise ValidationError(_("Unknown action."))
        contest = undo(contest)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Undone. The contest is now: %(stage)s.") % {"stage": contest.get_status_display()},
        )
    return redirect("contest_admin:results", contest_id=contest.pk)


@moderator_required
def reject_leftovers(request, contest_id):
    """Confirm, with the count and the entries, then reject a closed call's leftovers."""
    contest = get_object_or_404(ContestPage, pk=contest_id)
    leftovers = services.leftover_entries(contest).select_related("age_group").order_by("pk")
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        shown = [pk for pk in request.POST.getlist("entry") if pk.isdigit() and len(pk) < 12]
        try:
            rejected = services.reject_leftovers(
                contest, by=request.user, reason=form.cleaned_data["reason"], only=shown
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s entry rejected; its guardian is told the reason.",
                    "%(n)s entries rejected; their guardians are told the reason.",
                    len(rejected),
                )
                % {"n": len(rejected)},
            )
            return redirect(reverse("contest_admin:moderation") + f"?contest={contest.pk}")
    entries = list(leftovers)
    return render(
        request,
        "contest/admin/reject_leftovers.html",
        {
            "page_title": _("Reject the entries left unmoderated"),
            "header_icon": "warning",
            "contest": contest,
            "entries": entries,
            "texts": sum(1 for entry in entries if entry.guardian_phone),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
