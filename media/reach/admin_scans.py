"""The scans report in the reach admin: what the printed and played material did."""

from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy

from . import scan_selectors
from .admin_views import ReachView
from .charts import bar_chart
from .forms import CampaignPeriodForm
from .models import Material


class ScansReportView(ReachView):
    template_name = "reach/admin/scans.html"
    page_title = _("QR code scans")
    permission_policy = ModelPermissionPolicy(Material)
    header_icon = "doc-full"

    def get(self, request, *args, **kwargs):
        form = CampaignPeriodForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = scan_selectors.materials(campaign=filters.get("campaign"))
        start, end = filters.get("start"), filters.get("end")
        rows = scan_selectors.ranking(qs, start, end)
        points = scan_selectors.daily(qs, start, end)
        total = sum(row["scans"] for row in rows)
        distributed = sum(row["distributed"] for row in rows)
        context = self.get_context_data(
            form=form,
            rows=rows,
            total=total,
            distributed=distributed,
            rate=scan_selectors.scan_rate(total, distributed),
            groups=[
                (_("By channel"), scan_selectors.grouped(rows, "channel")),
                (_("By place"), scan_selectors.grouped(rows, "place")),
                (_("By campaign"), scan_selectors.grouped(rows, "campaign")),
                (_("By kind of material"), scan_selectors.grouped(rows, "kind")),
            ],
            points=points,
            chart=bar_chart(points, bucket="day"),
        )
        return self.render_to_response(context)
