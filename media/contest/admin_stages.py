"""Closing entries and publishing results: a confirmation that says what will happen,
then the change, then an undo for a while (services.UNDO_WINDOW)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services, stages
from .admin_views import results_required
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
