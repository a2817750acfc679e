"""The reach area of the Wagtail admin, grouped as "宣传统计 Reach"."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_delete import HeldDeleteView
from core.admin_screens import ScreenViewSet
from core.exports import FormulaSafeIndexView
from core.inspect import LocalInspectView

from . import admin_panels, admin_views, services
from .admin_materials import MaterialViewSet
from .admin_scans import ScansReportView
from .forms import campaigns
from .models import ApprovedPeriod, Channel, Metric, Place, Tally, TallyRevision


class ReachScreens(ScreenViewSet):
    """The dashboard, and an import's progress (reached from the import screen)."""

    name = "reach_admin"
    icon = "table"
    menu_label = pgettext_lazy("reach", "Dashboard")
    screens = [
        ("", admin_views.DashboardView, "dashboard"),
        ("import/<int:pk>/", admin_views.ImportJobView, "import_job"),
    ]


class EntryScreen(ScreenViewSet):
    name = "reach_entry"
    icon = "plus"
    menu_label = _("Enter a day's figures")
    screens = [("", admin_views.QuickEntryView, "entry")]


class ScansScreen(ScreenViewSet):
    name = "reach_scans"
    icon = "doc-full"
    menu_label = _("QR code scans")
    screens = [("", ScansReportView, "report")]


class ImportScreen(ScreenViewSet):
    name = "reach_import"
    icon = "upload"
    menu_label = _("Import")
    screens = [("", admin_views.ImportView, "import")]


class MetricViewSet(ModelViewSet):
    name = "reach_metrics"
    model = Metric
    delete_view_class = HeldDeleteView  # tallies and targets hold it (PROTECT)
    icon = "tasks"
    form_fields = [
        "code",
        "name",
        "name_en",
        "unit",
        "aggregation",
        "counts_people",
        "public",
        "sort_order",
    ]
    list_display = ["name", "code", "unit", "aggregation", "counts_people", "public"]
    list_filter = ["unit", "aggregation", "counts_people"]
    search_fields = ["name", "code"]
    copy_view_enabled = False


class ChannelViewSet(ModelViewSet):
    name = "reach_channels"
    model = Channel
    delete_view_class = HeldDeleteView  # tallies and targets hold it (PROTECT)
    icon = "list-ul"
    form_fields = ["metric", "code", "name", "name_en", "sort_order"]
    list_display = ["name", "code", "metric"]
    list_filter = ["metric"]
    search_fields = ["name", "code"]
    copy_view_enabled = False


class PlaceViewSet(ModelViewSet):
    name = "reach_places"
    model = Place
    delete_view_class = HeldDeleteView  # tallies and targets hold it (PROTECT)
    icon = "site"
    form_fields = ["name", "name_en", "kind", "parent"]
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    copy_view_enabled = False


class TallyForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=300, required=False)

    class Meta:
        model = Tally
        fields = ["count", "qualifier", "note"]


class TallyEditView(generic.EditView):
    """Corrections go through the services' write path; its refusal (an approved
    period, a derived figure) is shown on the form."""

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.change_tally(
                Tally.objects.get(pk=self.object.pk),
                count=data["count"],
                qualifier=data["qualifier"],
                note=data["note"],
                user=self.request.user,
                reason=data.get("reason", ""),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        self.form = form
        self.object = Tally.objects.get(pk=self.object.pk)
        return self.save_action()


class TallyDeleteView(generic.DeleteView):
    def form_valid(self, form):
        try:
            services.delete_tally(self.object, user=self.request.user, reason=_("deleted in admin"))
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return self.render_to_response(self.get_context_data())
        messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())


class RedirectToEntry(generic.CreateView):
    """Tallies are added through the quick entry form, which applies the services' rules."""

    def dispatch(self, request, *args, **kwargs):
        return redirect("reach_entry:entry")


class ReadOnlyRedirect(generic.EditView):
    """Approvals and the audit trail are never edited: their index shows them."""

    def dispatch(self, request, *args, **kwargs):
        return redirect(self.index_url_name)


class TallyViewSet(ModelViewSet):
    name = "reach_tallies"
    model = Tally
    icon = "table"
    form_class = TallyForm
    index_view_class = FormulaSafeIndexView
    edit_view_class = TallyEditView
    delete_view_class = TallyDeleteView
    add_view_class = RedirectToEntry
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = LocalInspectView
    list_display = [
        "metric",
        "channel",
        "period_start",
        "period_kind",
        "place",
        "campaign",
        "count",
        "qualifier",
        "source",
        "approved",
    ]
    list_filter = [
        "metric",
        "channel",
        "campaign",
        "place",
        "source",
        "period_kind",
        "approved",
        "period_start",
    ]
    search_fields = ["note", "place__name", "metric__name", "channel__name"]
    list_export = [
        "period_start",
        "period_kind",
        "metric",
        "channel",
        "place",
        "campaign",
        "count",
        "qualifier",
        "source",
        "approved",
        "note",
    ]
    export_filename = "reach-tallies"
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return TallyForm


class ApprovedPeriodForm(forms.ModelForm):
    class Meta:
        model = ApprovedPeriod
        fields = ["campaign", "start", "end", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each campaign once: its canonical page keeps the figures, never a locale copy.
        self.fields["campaign"].queryset = campaigns()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end"):
            try:
                services.check_approvable(
                    start=cleaned["start"], end=cleaned["end"], campaign=cleaned.get("campaign")
                )
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return cleaned


class ApprovalCreateView(generic.CreateView):
    """Approving shows first exactly the figures that will go public (and the pending
    corrections it applies), then approves on confirmation."""

    preview_template_name = "reach/admin/approve_preview.html"

    def get_initial(self):
        # A job on the approver's home links here with its campaign and period filled in.
        fields = ("campaign", "start", "end")
        return {name: self.request.GET[name] for name in fields if name in self.request.GET}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = services.pending_corrections()
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        if "confirm" not in self.request.POST:
            preview = services.approval_preview(
                start=data["start"], end=data["end"], campaign=data["campaign"]
            )
            return TemplateResponse(
                self.request,
                self.preview_template_name,
                {
                    "form": form,
                    "preview": preview,
                    "page_title": _("Check the figures before approving"),
                    "header_icon": "lock",
                },
            )
        return super().form_valid(form)

    def save_instance(self):
        data = self.form.cleaned_data
        return services.approve_period(
            start=data["start"],
            end=data["end"],
            campaign=data["campaign"],
            user=self.request.user,
            note=data["note"],
        )


class ApprovalIndexView(generic.IndexView):
    """Approvals are revoked, never deleted: each row in force offers "Revoke". Above
    the list: the figures changed since approval, waiting for re-approval."""

    template_name = "reach/admin/approvals_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = services.pending_corrections()
        return context

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not instance.revoked and admin_views.RevokeApprovalView.admits(self.request.user):
            buttons.append(
                ListingMenuItem(
                    _("Revoke"),
                    url=reverse("reach_approvals:revoke", args=(instance.pk,)),
                    icon_name="lock-open",
                    priority=30,
                )
            )
        return buttons


class ApprovedPeriodViewSet(ModelViewSet):
    name = "reach_approvals"
    model = ApprovedPeriod
    icon = "lock"
    form_class = ApprovedPeriodForm
    index_view_class = ApprovalIndexView
    add_view_class = ApprovalCreateView
    edit_view_class = ReadOnlyRedirect
    copy_view_enabled = False
    list_display = ["__str__", "approved_by", "approved_at", "revoked_by", "revoke_reason"]
    list_filter = ["campaign"]

    def get_form_class(self, for_update=False):
        return ApprovedPeriodForm

    def get_common_view_kwargs(self, **kwargs):
        # No delete view: deleting an approval would leave its figures public.
        return {**super().get_common_view_kwargs(**kwargs), "delete_url_name": None}

    def get_urlpatterns(self):
        return [
            *(p for p in super().get_urlpatterns() if p.name != "delete"),
            path("revoke/<int:pk>/", admin_views.RevokeApprovalView.as_view(), name="revoke"),
        ]


class TallyRevisionViewSet(ModelViewSet):
    name = "reach_revisions"
    model = TallyRevision
    icon = "history"
    list_display = [
        "description",
        "action",
        "old_count",
        "new_count",
        "source",
        "file",
        "reason",
        "user",
        "at",
    ]
    list_filter = ["action", "source", "user"]
    search_fields = ["description", "reason"]
    list_export = [
        "at",
        "description",
        "action",
        "old_count",
        "new_count",
        "source",
        "file",
        "reason",
        "user",
    ]
    export_filename = "reach-audit-trail"
    index_view_class = FormulaSafeIndexView
    form_fields = ["reason"]
    add_view_class = ReadOnlyRedirect
    edit_view_class = ReadOnlyRedirect
    copy_view_enabled = False


class ReachGroup(ViewSetGroup):
    menu_label = _("Reach figures")
    menu_icon = "table"
    menu_order = 250
    items = (
        ReachScreens,
        EntryScreen,
        ImportScreen,
        TallyViewSet,
        MaterialViewSet,
        ScansScreen,
        ApprovedPeriodViewSet,
        MetricViewSet,
        ChannelViewSet,
        PlaceViewSet,
        TallyRevisionViewSet,
    )


@hooks.register("register_admin_viewset")
def register_reach_admin():
    return ReachGroup()


@hooks.register("construct_homepage_panels")
def add_figures_to_approve_panel(request, panels):
    if request.user.has_perm("reach.add_approvedperiod"):
        panels.append(admin_panels.figures_to_approve())
