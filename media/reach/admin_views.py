"""Staff screens in the Wagtail admin: dashboard, quick day entry, import, revoking an
approval. Thin views: figures come from selectors, writes go through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from wagtail.permission_policies import ModelPermissionPolicy

from core.admin_screens import AdminScreen

from . import exports, imports, selectors, services
from .charts import bar_chart
from .forms import (
    DashboardFilterForm,
    ImportForm,
    KeptEntryFields,
    QuickEntryForm,
    RevokeApprovalForm,
)
from .models import ApprovedPeriod, ImportJob, Tally


class ReachView(AdminScreen):
    permission_policy = ModelPermissionPolicy(Tally)
    permission_required = "view"
    header_icon = "table"


class DashboardView(ReachView):
    template_name = "reach/admin/dashboard.html"
    page_title = gettext_lazy("Reach dashboard")

    def get(self, request, *args, **kwargs):
        defaults = form_defaults()
        # The export links carry the screen's filters; ``format`` alone is no filter, so
        # an export from the unfiltered screen exports the default campaign it shows.
        params = request.GET.copy()
        fmt = params.pop("format", [None])[-1]
        form = DashboardFilterForm(
            params or None, initial={"campaign": defaults["campaign"], "bucket": "week"}
        )
        filters = form.filters() if params else defaults
        qs = selectors.tallies(**filters)
        bucket = (form.cleaned_data.get("bucket") if form.is_bound else "") or "week"
        campaign = filters["campaign"]
        targets = selectors.campaign_targets(campaign) if campaign else {}
        figures = selectors.totals_by_metric(qs, targets)
        if fmt in {"csv", "xlsx"}:
            return export_response(dashboard_rows(qs, figures), fmt, "reach-dashboard")
        series = selectors.time_series(qs, bucket)
        for item in series:
            item["chart"] = bar_chart(item["points"], bucket=bucket)
        if not params and campaign is not None:
            params = QueryDict(mutable=True)
            params.update({"campaign": campaign.pk, "bucket": bucket})
        context = self.get_context_data(
            form=form,
            figures=figures,
            people=selectors.people_reached(qs),
            by_channel=selectors.breakdown(qs, "channel"),
            by_place=selectors.breakdown(qs, "place"),
            by_campaign=selectors.breakdown(qs, "campaign"),
            series=series,
            pending=services.pending_corrections(),
            query=params.urlencode(),
        )
        return self.render_to_response(context)


def form_defaults():
    campaign = selectors.featured_campaign(public=False)
    return {
        "campaign": campaign,
        "metric": None,
        "channel": None,
        "place": None,
        "source": None,
        "start": None,
        "end": None,
        "public": False,
    }


def dashboard_rows(qs, figures):
    rows = [
        [
            _("Breakdown"),
            pgettext("reach breakdown", "Group"),
            _("Metric"),
            _("Unit"),
            _("Total"),
            _("Shown as"),
        ]
    ]
    for figure in figures:
        rows.append(
            [
                _("Total"),
                "",
                figure["metric"].name,
                figure["unit"],
                figure["total"],
                figure["display"],
            ]
        )
    for by, label in (
        ("channel", _("Channel")),
        ("place", _("Place")),
        ("campaign", _("Campaign")),
    ):
        for block in selectors.breakdown(qs, by):
            for row in block["rows"]:
                rows.append(
                    [
                        label,
                        row["label"],
                        block["metric"].name,
                        block["metric"].get_unit_display(),
                        row["total"],
                        row["display"],
                    ]
                )
    return rows


def export_response(rows, fmt, name):
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


class QuickEntryView(ReachView):
    permission_required = "add"
    template_name = "reach/admin/quick_entry.html"
    page_title = gettext_lazy("Enter a day's figures")
    header_icon = "plus"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        campaign = selectors.featured_campaign(public=False)
        if campaign is not None and not campaign.runs_on(today):
            campaign = None  # only a campaign running today is a sensible default
        initial = {"day": today, "campaign": campaign}
        # After a save the clerk usually goes on with the same day and place.
        kept = KeptEntryFields(request.GET)
        if kept.is_valid():
            initial.update({k: v for k, v in kept.cleaned_data.items() if v})
        return self.render_to_response(self.get_context_data(form=QuickEntryForm(initial=initial)))

    def post(self, request, *args, **kwargs):
        form = QuickEntryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            rows = [
                services.TallyRow(
                    metric_id=channel.metric_id,
                    channel_id=channel.pk,
                    place_id=data["place"].pk,
                    campaign_id=data["campaign"].pk if data["campaign"] else None,
                    day=data["day"],
                    count=count,
                    qualifier=qualifier,
                    note=data["note"],
                )
                for channel, count, qualifier in form.figures()
            ]
            try:
                services.write_tallies(
                    rows,
                    source=Tally.Source.ENTERED,
                    user=request.user,
                    reason=_("quick entry"),
                )
            except services.WriteError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("%(count)s figures saved.") % {"count": len(rows)})
                kept = QueryDict(mutable=True)
                kept["day"] = data["day"].isoformat()
                kept["place"] = data["place"].pk
                if data["campaign"]:
                    kept["campaign"] = data["campaign"].pk
                return redirect(f"{reverse('reach_entry:entry')}?{kept.urlencode()}")
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class ImportView(ReachView):
    permission_policy = ModelPermissionPolicy(ImportJob)
    permission_required = "add"
    template_name = "reach/admin/import.html"
    page_title = gettext_lazy("Import tallies")
    header_icon = "upload"

    def get(self, request, *args, **kwargs):
        if request.GET.get("template") in {"csv", "xlsx"}:
            fmt = request.GET["template"]
            return export_response(imports.template_rows(), fmt, "reach-import-template")
        return self.render_to_response(
            self.get_context_data(form=ImportForm(), jobs=recent_jobs(), codes=import_codes())
        )

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            response = self.render_to_response(
                self.get_context_data(form=form, jobs=recent_jobs(), codes=import_codes())
            )
            response.status_code = 400
            return response
        job = services.check_import(form.cleaned_data["file"], user=request.user)
        return redirect("reach_admin:import_job", job.pk)


def import_codes():
    return imports.import_codes()


def recent_jobs():
    return ImportJob.objects.select_related("created_by")[:10]


class ImportJobView(ReachView):
    permission_policy = ModelPermissionPolicy(ImportJob)
    permission_required = "add"
    template_name = "reach/admin/import_job.html"
    page_title = gettext_lazy("Import")
    header_icon = "upload"

    def get(self, request, pk, *args, **kwargs):
        job = get_object_or_404(ImportJob, pk=pk)
        context = self.get_context_data(
            job=job,
            processed=services.import_progress(job),
            refresh=job.status in ImportJob.UNDER_WAY,
        )
        response = self.render_to_response(context)
        if job.status == ImportJob.Status.INVALID:
            response.status_code = 400
        return response

    def post(self, request, pk, *args, **kwargs):
        job = get_object_or_404(ImportJob, pk=pk)
        services.confirm_import(job, user=request.user)
        return redirect("reach_admin:import_job", job.pk)


class RevokeApprovalView(ReachView):
    """Withdraw an approval (it is never deleted): says what will leave the public pages,
    asks why, then calls the service."""

    permission_policy = ModelPermissionPolicy(ApprovedPeriod)
    permission_required = "revoke"
    template_name = "reach/admin/revoke_approval.html"
    page_title = gettext_lazy("Revoke an approval")
    header_icon = "lock-open"

    @cached_property
    def period(self):
        return get_object_or_404(
            ApprovedPeriod.objects.select_related("campaign"), pk=self.kwargs["pk"]
        )

    def render_form(self, form, status=200):
        covered = Tally.objects.filter(services.covered_by(self.period), approved=True)
        context = self.get_context_data(form=form, period=self.period, covered=covered.count())
        response = self.render_to_response(context)
        response.status_code = status
        return response

    def get(self, request, *args, **kwargs):
        return self.render_form(RevokeApprovalForm())

    def post(self, request, *args, **kwargs):
        form = RevokeApprovalForm(request.POST)
        if form.is_valid():
            try:
                withdrawn = services.revoke_approval(
                    self.period, user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("Approval revoked: %(count)s figures are no longer public.")
                    % {"count": withdrawn},
                )
                return redirect("reach_approvals:index")
        return self.render_form(form, status=400)
