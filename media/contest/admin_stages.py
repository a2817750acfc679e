"""Closing entries and publishing results: a confirmation that says what will happen,
then the change, then an undo for a while (services.UNDO_WINDOW). Also the step after
closing: rejecting, with one reason, the entries nobody moderated before the call closed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View

from core.admin_screens import AdminScreen, ScreenMixin

from . import services, stages
from .admin_views import CONTEST
from .forms import RejectForm
from .models import ContestPage

CHANGES = {"judging": services.start_judging, "publish": services.publish_results}
UNDOS = {"reopen": services.reopen_entries, "unpublish": services.unpublish_results}
TITLES = {
    "judging": gettext_lazy("Close entries and start judging"),
    "publish": gettext_lazy("Publish results"),
}


class ContestScreenMixin:
    @cached_property
    def contest(self):
        return get_object_or_404(ContestPage, pk=self.kwargs["contest_id"])


class ConfirmStageView(ContestScreenMixin, AdminScreen):
    permission_policy = CONTEST
    permission_required = "manage_results"
    template_name = "contest/admin/confirm_stage.html"
    header_icon = "warning"

    def get_page_title(self):
        return TITLES[self.kwargs["stage"]]

    def refused(self):
        if stages.is_known_stage(self.kwargs["stage"], self.contest):
            return None
        messages.error(self.request, _("This step is not possible at the contest's current stage."))
        return redirect("contest_admin:results", contest_id=self.contest.pk)

    def get(self, request, *args, **kwargs):
        stage = self.kwargs["stage"]
        return self.refused() or self.render(
            contest=self.contest, impact=stages.impact(self.contest, stage)
        )

    def post(self, request, *args, **kwargs):
        refused = self.refused()
        if refused:
            return refused
        try:
            contest = CHANGES[self.kwargs["stage"]](self.contest)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            contest = self.contest
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


class UndoStageView(ContestScreenMixin, ScreenMixin, View):
    permission_policy = CONTEST
    permission_required = "manage_results"
    http_method_names = ["post"]

    def post(self, request, contest_id, action):
        contest = self.contest
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
                _("Undone. The contest is now: %(stage)s.")
                % {"stage": contest.get_status_display()},
            )
        return redirect("contest_admin:results", contest_id=contest.pk)


class RejectLeftoversView(ContestScreenMixin, AdminScreen):
    """Confirm, with the count and the entries, then reject a closed call's leftovers."""

    permission_policy = CONTEST
    permission_required = "moderate_entry"
    template_name = "contest/admin/reject_leftovers.html"
    page_title = gettext_lazy("Reject the entries left unmoderated")
    header_icon = "warning"

    def get(self, request, *args, **kwargs):
        return self.render_form(RejectForm())

    def post(self, request, *args, **kwargs):
        form = RejectForm(request.POST)
        if form.is_valid():
            shown = [pk for pk in request.POST.getlist("entry") if pk.isdigit() and len(pk) < 12]
            try:
                rejected = services.reject_leftovers(
                    self.contest, by=request.user, reason=form.cleaned_data["reason"], only=shown
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
                url = reverse("contest_admin:moderation")
                return redirect(f"{url}?contest={self.contest.pk}")
        return self.render_form(form)

    def render_form(self, form):
        entries = list(
            services.leftover_entries(self.contest).select_related("age_group").order_by("pk")
        )
        return self.render(
            400 if form.errors else 200,
            contest=self.contest,
            entries=entries,
            texts=sum(1 for entry in entries if entry.guardian_phone),
            form=form,
        )
