"""Reach models: what is counted (metrics, channels), where (places), the tallies
themselves with their audit trail and approvals, imports, campaign pages, and the
materials that carry QR codes with their scans."""

from education.models import Place  # the place tree is education's; reach counts in it

from .campaign import CampaignIndexPage, CampaignPage, CampaignTarget
from .catalogue import Channel, Metric
from .material import Material, ScanCount
from .tally import ApprovedPeriod, ImportJob, PendingCorrection, Tally, TallyRevision
from .totals import RunningChange, RunningValue, TallyTotal

__all__ = [
    "ApprovedPeriod",
    "CampaignIndexPage",
    "CampaignPage",
    "CampaignTarget",
    "Channel",
    "ImportJob",
    "Material",
    "Metric",
    "PendingCorrection",
    "Place",
    "RunningChange",
    "RunningValue",
    "ScanCount",
    "Tally",
    "TallyRevision",
    "TallyTotal",
]
