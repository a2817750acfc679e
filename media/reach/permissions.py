"""The "Reach clerks" staff group: enter, import and export tallies, see the dashboard."""

from education.permissions import ensure_group

CLERKS_GROUP = "Reach clerks"
PERMISSIONS = {
    "reach": [
        "add_tally",
        "change_tally",
        "delete_tally",
        "view_tally",
        "view_metric",
        "view_channel",
        "view_place",
        "add_place",
        "change_place",
        "add_importjob",
        "view_importjob",
        "view_approvedperiod",
        "view_tallyrevision",
    ],
    "wagtailadmin": ["access_admin"],
}


def ensure_clerks_group(**kwargs):
    """Create the group and give it its permissions (idempotent)."""
    return ensure_group(
        CLERKS_GROUP,
        [(app, codename) for app, codenames in PERMISSIONS.items() for codename in codenames],
    )
