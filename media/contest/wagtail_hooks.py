"""The contest's admin: one "作品征集 Contest" menu group with moderation, entries,
judging, results and the consent notice."""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_delete import HeldSnippetDeleteView
from core.admin_panels import JobsPanel
from core.admin_screens import ScreenViewSet
from core.exports import FormulaSafeIndexView
from core.inspect import LocalInspectView

from . import admin_judging, admin_stages, admin_views, selectors
from .models import ConsentNotice, Entry


class ContestScreens(ScreenViewSet):
    """Every contest screen beyond the entries' viewset, under one URL namespace; its
    menu entry is the moderation queue."""

    name = "contest_admin"
    url_prefix = "contest"
    icon = "tasks"
    menu_label = _("Moderation queue")
    screens = [
        ("moderation/", admin_views.ModerationQueueView, "moderation"),
        ("moderation/results/", admin_views.ModerationQueueResultsView, "moderation_results"),
        ("entries/<int:entry_id>/review/", admin_views.ReviewView, "review"),
        ("entries/<int:entry_id>/approve/", admin_views.ApproveView, "approve"),
        ("entries/<int:entry_id>/reject/", admin_views.RejectView, "reject"),
        ("entries/<int:entry_id>/duplicate/", admin_views.FlagDuplicateView, "duplicate"),
        ("entries/<int:entry_id>/original/", admin_views.OriginalView, "original"),
        ("judging/", admin_judging.JudgingIndexView, "judging"),
        ("judging/<str:judging_code>/", admin_judging.JudgeEntryView, "judge_entry"),
        ("judging/<str:judging_code>/image/", admin_judging.JudgeImageView, "judge_image"),
        ("results/", admin_judging.ResultsIndexView, "results_index"),
        ("results/<int:contest_id>/", admin_judging.ResultsView, "results"),
        ("results/<int:contest_id>/stage/<str:stage>/", admin_stages.ConfirmStageView, "stage"),
        ("results/<int:contest_id>/undo/<str:action>/", admin_stages.UndoStageView, "undo"),
        (
            "results/<int:contest_id>/leftovers/",
            admin_stages.RejectLeftoversView,
            "reject_leftovers",
        ),
        ("awards/<int:entry_id>/", admin_judging.SetAwardView, "award"),
    ]


class EntryFilterSet(WagtailFilterSet):
    # "Awarded" is an approved entry with an award (there is no separate status), so
    # the award filter offers "any award" and "no award" besides each prize.
    award = django_filters.ChoiceFilter(
        label=_("Award"),
        choices=[("any", _("Any award")), ("none", _("No award")), *Entry.Award.choices[1:]],
        method="filter_award",
    )

    class Meta:
        model = Entry
        fields = ["status", "category", "award", "contest"]

    def filter_award(self, queryset, name, value):
        if value == "any":
            return queryset.exclude(award="")
        if value == "none":
            return queryset.filter(award="")
        return queryset.filter(award=value)


class EntryViewSet(ModelViewSet):
    """All entries with their guardian data: contest staff only (view_entry)."""

    model = Entry
    icon = "doc-full"
    menu_label = _("All entries")
    name = "contest_entries"
    list_display = ["title", "category", "age_group", "school", "status", "award", "submitted_at"]
    filterset_class = EntryFilterSet
    search_fields = ["title", "display_name", "school"]
    list_export = [
        "id",
        "title",
        "category",
        "age_group",
        "display_name",
        "school",
        "grade",
        "status",
        "award",
        "submitted_at",
    ]
    export_filename = "contest-entries"
    index_view_class = FormulaSafeIndexView  # titles and schools are typed by the public
    form_fields = ["title", "display_name", "school", "grade"]
    inspect_view_enabled = True
    inspect_view_class = LocalInspectView
    inspect_view_fields = [
        "judging_code",
        "title",
        "category",
        "age_group",
        "display_name",
        "school",
        "grade",
        "status",
        "rejection_reason",
        "award",
        "submitted_at",
        "consent_version",
        "consented_at",
    ]
    add_to_admin_menu = False

    def get_queryset(self, request):
        return Entry.objects.select_related("age_group", "contest")


class ConsentNoticeViewSet(SnippetViewSet):
    model = ConsentNotice
    delete_view_class = HeldSnippetDeleteView  # entries keep the notice they were shown
    icon = "lock"
    menu_label = _("Consent notice")
    list_display = ["title", "version", "published_at"]


class ContestGroup(ViewSetGroup):
    menu_label = _("作品征集 Contest")
    menu_icon = "image"
    menu_order = 300
    items = (
        ContestScreens(),
        EntryViewSet(),
        ScreenViewSet(
            "contest_menu_judging",
            menu_label=_("Judging"),
            icon="pick",
            menu_url_name="contest_admin:judging",
        ),
        ScreenViewSet(
            "contest_menu_results",
            menu_label=_("Results and awards"),
            icon="success",
            menu_url_name="contest_admin:results_index",
        ),
        ConsentNoticeViewSet(),
    )


register_snippet(ContestGroup)


@hooks.register("construct_homepage_panels")
def add_contest_jobs_panel(request, panels):
    """Moderators see what awaits moderation; judges, what they have left to score."""
    user = request.user
    jobs = []
    if admin_views.ModerationQueueView.admits(user):
        waiting = selectors.awaiting_moderation().count()
        jobs.append(
            (
                ngettext(
                    "%(n)s entry awaits moderation",
                    "%(n)s entries await moderation",
                    waiting,
                )
                % {"n": waiting},
                reverse("contest_admin:moderation"),
            )
        )
    if admin_judging.JudgingIndexView.admits(user):
        left = selectors.left_to_score(user).count()
        jobs.append(
            (
                ngettext("%(n)s entry left to score", "%(n)s entries left to score", left)
                % {"n": left},
                reverse("contest_admin:judging"),
            )
        )
    if jobs:
        panels.append(
            JobsPanel("contest_jobs", _("作品征集 Contest"), jobs, empty=_("Nothing waiting."))
        )
