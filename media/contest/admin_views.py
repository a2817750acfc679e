"""Contest screens in the Wagtail admin: the moderation queue, an entry's review and
moderation moves, and its private original. Judging and results are in
``admin_judging``, the stage changes in ``admin_stages``.

Each screen names its permission in ``CONTEST`` (core.admin_screens); guardian data
appears only on the moderation screens (``contest.view_guardian_data``), never on the
judges' screens.
"""

import mimetypes

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn

from core.admin_screens import (
    AdminListingScreen,
    AdminScreen,
    CodenamePermissionPolicy,
    ScreenMixin,
)

from . import selectors, services
from .forms import DuplicateForm, RejectForm
from .models import Category, Entry

CONTEST = CodenamePermissionPolicy(Entry)


def contest_scopes():
    return [
        (selectors.CURRENT, _("Contests open or in judging")),
        (selectors.CLOSED, _("Contests with published results")),
        *((str(contest.pk), contest.title) for contest in selectors.contests_with_entries()),
    ]


class ModerationFilterSet(WagtailFilterSet):
    """The queue's filters. What the query leaves out, or gives a value the filters
    refuse, reads as the default: submitted entries of the current contests."""

    contest = django_filters.ChoiceFilter(
        label=gettext_lazy("Contest"),
        choices=contest_scopes,
        method="filter_contest",
        empty_label=None,
        initial=selectors.CURRENT,
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=Entry.Status.choices,
        empty_label=None,
        initial=Entry.Status.SUBMITTED,
    )
    category = django_filters.ChoiceFilter(label=gettext_lazy("Category"), choices=Category.choices)

    class Meta:
        model = Entry
        fields = ["contest", "status", "category"]

    def filter_contest(self, queryset, name, value):
        return selectors.in_scope(queryset, value)

    @classmethod
    def query_or_defaults(cls, data, request):
        data = data.copy()
        defaults = {name: f.extra.get("initial") for name, f in cls.base_filters.items()}
        for name, default in defaults.items():
            if default is not None:
                data.setdefault(name, default)
        for name in cls(data, request=request).form.errors:
            if defaults.get(name) is None:
                data.pop(name, None)
            else:
                data[name] = defaults[name]
        return data


class ModerationQueueView(AdminListingScreen):
    permission_policy = CONTEST
    permission_required = "moderate_entry"
    model = Entry
    page_title = gettext_lazy("Moderation queue")
    header_icon = "tasks"
    template_name = "contest/admin/moderation_queue.html"
    index_url_name = "contest_admin:moderation"
    index_results_url_name = "contest_admin:moderation_results"
    filterset_class = ModerationFilterSet
    is_searchable = True
    search_fields = ["title", "school", "display_name"]
    search_backend_name = None
    paginate_by = 50
    default_ordering = ("submitted_at", "pk")
    verbose_name_plural = Entry._meta.verbose_name_plural
    columns = [
        Column("pk", label="#"),
        Column("contest", label=gettext_lazy("Contest"), accessor="contest.title"),
        TitleColumn("title", label=gettext_lazy("Title"), url_name="contest_admin:review"),
        Column("category", label=gettext_lazy("Category"), accessor="get_category_display"),
        Column("age_group", label=gettext_lazy("Age group"), accessor="age_group.name"),
        Column("school", label=gettext_lazy("School")),
        DateColumn("submitted_at", label=pgettext_lazy("column", "Submitted")),
    ]

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        kwargs["data"] = ModerationFilterSet.query_or_defaults(kwargs["data"], self.request)
        return kwargs

    def get_base_queryset(self):
        return Entry.objects.select_related("contest", "age_group")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        closed = self.filters.form.cleaned_data.get("contest") == selectors.CLOSED
        context.update(
            entries=context["object_list"],
            leftovers=0 if closed else selectors.awaiting_moderation(selectors.CLOSED).count(),
            unmoderated=services.leftover_entries()
            .values("contest_id", "contest__title")
            .annotate(n=Count("pk"))
            .order_by("contest_id"),
        )
        return context


class ModerationQueueResultsView(ModerationQueueView):
    results_only = True


class ReviewView(AdminScreen):
    permission_policy = CONTEST
    permission_required = "moderate_entry"
    template_name = "contest/admin/review.html"
    header_icon = "doc-full"

    @cached_property
    def entry(self):
        related = ("contest", "age_group", "consent_notice", "duplicate_of")
        return get_object_or_404(Entry.objects.select_related(*related), pk=self.kwargs["entry_id"])

    def get_page_title(self):
        return _("Entry #%(id)s") % {"id": self.entry.pk}

    def get(self, request, *args, **kwargs):
        return self.render(
            entry=self.entry,
            similar=selectors.similar_entries(self.entry),
            show_guardian=CONTEST.user_has_permission(request.user, "view_guardian_data"),
            moves=services.moderation_moves(self.entry),
            reject_form=RejectForm(),
            duplicate_form=DuplicateForm(),
        )


class ModerationMoveView(ScreenMixin, View):
    """One moderation move on an entry (POST only), through its service; a refused move
    is shown on the entry's review screen."""

    permission_policy = CONTEST
    permission_required = "moderate_entry"
    http_method_names = ["post"]

    def move(self, entry):
        raise NotImplementedError

    def post(self, request, entry_id):
        entry = get_object_or_404(Entry, pk=entry_id)
        try:
            self.move(entry)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("contest_admin:review", entry_id=entry.pk)
        messages.success(request, _("Entry #%(id)s updated.") % {"id": entry.pk})
        return redirect("contest_admin:moderation")


class ApproveView(ModerationMoveView):
    def move(self, entry):
        services.approve(entry, by=self.request.user)


class RejectView(ModerationMoveView):
    def move(self, entry):
        form = RejectForm(self.request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.reject(entry, by=self.request.user, reason=reason)


class FlagDuplicateView(ModerationMoveView):
    def move(self, entry):
        form = DuplicateForm(self.request.POST)
        original = None
        if form.is_valid() and form.cleaned_data["duplicate_of"]:
            original = Entry.objects.filter(pk=form.cleaned_data["duplicate_of"]).first()
        services.flag_duplicate(entry, by=self.request.user, of=original)


@method_decorator(never_cache, name="dispatch")
class OriginalView(ScreenMixin, View):
    """The stripped original of an entry, for contest staff only; never cached."""

    permission_policy = CONTEST
    permission_required = "moderate_entry"

    def get(self, request, entry_id):
        entry = get_object_or_404(Entry.objects.only("id", "original"), pk=entry_id)
        if not entry.original:
            raise Http404
        return file_response(entry.original)


def file_response(field):
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
