"""Reach models: what is counted (metrics, channels), where (places), the tallies
themselves with their audit trail and approvals, imports, and campaign pages."""

from .campaign import CampaignIndexPage, CampaignPage, CampaignTarget
from .catalogue import Channel, Metric, Place
from .tally import ApprovedPeriod, ImportJob, PendingCorrection, Tally, TallyRevision

__all__ = [
    "ApprovedPeriod",
    "CampaignIndexPage",
    "CampaignPage",
    "CampaignTarget",
    "Channel",
    "ImportJob",
    "Metric",
    "PendingCorrection",
    "Place",
    "Tally",
    "TallyRevision",
]
