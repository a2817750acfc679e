"""Contest screens for judges (blind: no name or school is shown) and for results and
awards. Each names its permission in ``CONTEST`` (``admin_views``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import View

from core.admin_screens import AdminScreen, ScreenMixin

from . import selectors, services, stages
from .admin_views import CONTEST, file_response
from .forms import AwardForm, score_form_class
from .models import ContestPage, Entry


class JudgeScreen(AdminScreen):
    permission_policy = CONTEST
    permission_required = "judge_entry"
    header_icon = "pick"


class JudgingIndexView(JudgeScreen):
    template_name = "contest/admin/judging_index.html"
    page_title = gettext_lazy("Judging")

    def get(self, request, *args, **kwargs):
        rows = [
            (contest, selectors.judging_queue(contest, request.user))
            for contest in selectors.contests_in_judging()
        ]
        return self.render(rows=rows)


class JudgeEntryView(JudgeScreen):
    template_name = "contest/admin/judge_entry.html"

    @cached_property
    def entry(self):
        entry = selectors.blind_entry(self.kwargs["judging_code"])
        if entry is None:
            raise Http404
        return entry

    @cached_property
    def criteria(self):
        return list(ContestPage.objects.get(pk=self.entry.contest_id).criteria.all())

    def get_page_title(self):
        return _("Score entry %(code)s") % {"code": self.entry.judging_code}

    def get(self, request, *args, **kwargs):
        mine = self.entry.scores.filter(judge=request.user).first()
        initial = {f"c{key}": value for key, value in (mine.marks if mine else {}).items()}
        if mine:
            initial["comment"] = mine.comment
        return self.render_form(score_form_class(self.criteria)(initial=initial), mine)

    def post(self, request, *args, **kwargs):
        entry = self.entry
        form = score_form_class(self.criteria)(request.POST)
        if form.is_valid():
            marks = {str(c.pk): form.cleaned_data[f"c{c.pk}"] for c in self.criteria}
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
        return self.render_form(form, entry.scores.filter(judge=request.user).first(), 400)

    def render_form(self, form, mine, status=200):
        return self.render(
            status,
            entry=self.entry,
            form=form,
            mine=mine,
            next_entry=selectors.next_to_judge(self.entry, self.request.user),
            criteria=self.criteria,
        )


@method_decorator(never_cache, name="dispatch")
class JudgeImageView(ScreenMixin, View):
    """The drawing for judges, by judging code: its public URL would lead to the entry's
    public page (name and school), so judges never see it."""

    permission_policy = CONTEST
    permission_required = "judge_entry"

    def get(self, request, judging_code):
        entry = selectors.blind_entry(judging_code)
        if entry is None:
            raise Http404
        # The gallery rendition once made; until then the stripped original.
        field = entry.display_image or entry.original
        if not field:
            raise Http404
        return file_response(field)


class ResultsScreen(AdminScreen):
    permission_policy = CONTEST
    permission_required = "manage_results"
    header_icon = "success"


class ResultsView(ResultsScreen):
    template_name = "contest/admin/results.html"

    @cached_property
    def contest(self):
        return get_object_or_404(ContestPage, pk=self.kwargs["contest_id"])

    def get_page_title(self):
        return _("Results: %(title)s") % {"title": self.contest.title}

    def get(self, request, *args, **kwargs):
        contest = self.contest
        return self.render(
            contest=contest,
            table=selectors.results(contest),
            award_choices=Entry.Award.choices,
            can_award=services.awards_open(contest),
            undo=stages.undo_on_offer(contest),
            unmoderated=services.leftover_entries(contest).count(),
        )


class ResultsIndexView(ResultsScreen):
    template_name = "contest/admin/results_index.html"
    page_title = gettext_lazy("Results")

    def get(self, request, *args, **kwargs):
        contests = selectors.contests_with_entries()
        if len(contests) == 1:
            return redirect("contest_admin:results", contest_id=contests[0].pk)
        return self.render(contests=contests)


class SetAwardView(ScreenMixin, View):
    permission_policy = CONTEST
    permission_required = "manage_results"
    http_method_names = ["post"]

    def post(self, request, entry_id):
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
