"""The contest's admin: one "作品征集 Contest" menu group with moderation, entries,
judging, results and the consent notice."""

import django_filters
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_delete import HeldSnippetDeleteView
from core.admin_panels import JobsPanel
from core.exports import FormulaSafeIndexView
from core.inspect import LocalInspectView

from . import admin_stages, admin_views
from .models import ConsentNotice, ContestPage, Entry

admin_urlpatterns = [
    path("moderation/", admin_views.moderation_queue, name="moderation"),
    path("entries/<int:entry_id>/review/", admin_views.review, name="review"),
    path("entries/<int:entry_id>/approve/", admin_views.approve, name="approve"),
    path("entries/<int:entry_id>/reject/", admin_views.reject, name="reject"),
    path("entries/<int:entry_id>/duplicate/", admin_views.flag_duplicate, name="duplicate"),
    path("entries/<int:entry_id>/original/", admin_views.original, name="original"),
    path("judging/", admin_views.judging_index, name="judging"),
    path("judging/<str:judging_code>/", admin_views.judge_entry, name="judge_entry"),
    path("judging/<str:judging_code>/image/", admin_views.judge_image, name="judge_image"),
    path("results/", admin_views.results_index, name="results_index"),
    path("results/<int:contest_id>/", admin_views.results, name="results"),
    path(
        "results/<int:contest_id>/stage/<str:stage>/",
        admin_stages.confirm_stage,
        name="stage",
    ),
    path("results/<int:contest_id>/undo/<str:action>/", admin_stages.undo_stage, name="undo"),
    path(
        "results/<int:contest_id>/leftovers/",
        admin_stages.reject_leftovers,
        name="reject_leftovers",
    ),
    path("awards/<int:entry_id>/", admin_views.set_award, name="award"),
]


@hooks.register("register_admin_urls")
def register_contest_admin_urls():
    return [
        path("contest/", include((admin_urlpatterns, "contest_admin"), namespace="contest_admin"))
    ]


class PermissionMenuViewSet(ViewSet):
    """A menu entry for one of the contest screens, shown only with its permission."""

    permission = ""
    url_name = ""

    @cached_property
    def menu_url(self):
        return reverse(self.url_name)

    @cached_property
    def menu_item_class(self):
        permission = self.permission

        class PermissionMenuItem(MenuItem):
            def is_shown(self, request):
                return request.user.has_perm(permission)

        return PermissionMenuItem


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
        PermissionMenuViewSet(
            "contest_menu_moderation",
            menu_label=_("Moderation queue"),
            icon="tasks",
            permission="contest.moderate_entry",
            url_name="contest_admin:moderation",
        ),
        EntryViewSet(),
        PermissionMenuViewSet(
            "contest_menu_judging",
            menu_label=_("Judging"),
            icon="pick",
            permission="contest.judge_entry",
            url_name="contest_admin:judging",
        ),
        PermissionMenuViewSet(
            "contest_menu_results",
            menu_label=_("Results and awards"),
            icon="success",
            permission="contest.manage_results",
            url_name="contest_admin:results_index",
        ),
        ConsentNoticeViewSet(),
    )


register_snippet(ContestGroup)


@hooks.register("construct_homepage_panels")
def add_contest_jobs_panel(request, panels):
    """Moderators see what awaits moderation; judges, what they have left to score."""
    user = request.user
    jobs = []
    if user.has_perm("contest.moderate_entry"):
        waiting = (
            Entry.objects.filter(status=Entry.Status.SUBMITTED)
            .exclude(contest__status=ContestPage.Status.RESULTS_PUBLISHED)
            .count()
        )
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
    if user.has_perm("contest.judge_entry"):
        left = (
            Entry.objects.filter(
                status=Entry.Status.APPROVED, contest__status=ContestPage.Status.JUDGING
            )
            .exclude(scores__judge=user)
            .count()
        )
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
