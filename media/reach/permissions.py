"""Reach staff groups: "Reach clerks" enter, import and export tallies and see the
dashboard; "Reach approvers" check and approve figures for publication, and revoke
approvals. Approving is never a clerk's: who types a figure does not sign it."""

from core.groups import ensure_group

CLERKS_GROUP = "Reach clerks"
PERMISSIONS = {
    "reach": [
        "add_tally",
        "change_tally",
        "delete_tally",
        "view_tally",
        "view_metric",
        "view_channel",
        "add_importjob",
        "view_importjob",
        "view_approvedperiod",
        "view_tallyrevision",
        "add_material",
        "change_material",
        "view_material",
    ],
    # The place tree is education's model; reach clerks keep maintaining it.
    "education": ["view_place", "add_place", "change_place"],
    "wagtailadmin": ["access_admin"],
}


def ensure_clerks_group(**kwargs):
    """Create the group and give it its permissions (idempotent)."""
    return ensure_group(
        CLERKS_GROUP,
        [(app, codename) for app, codenames in PERMISSIONS.items() for codename in codenames],
    )


APPROVERS_GROUP = "Reach approvers"
APPROVER_PERMISSIONS = {
    "reach": [
        "view_tally",
        "view_metric",
        "view_channel",
        "view_importjob",
        "add_approvedperiod",
        "view_approvedperiod",
        "revoke_approvedperiod",
        "view_tallyrevision",
    ],
    "education": ["view_place"],
    "wagtailadmin": ["access_admin"],
}


def ensure_approvers_group(**kwargs):
    """Create the approvers' group and give it its permissions (idempotent)."""
    return ensure_group(
        APPROVERS_GROUP,
        [
            (app, codename)
            for app, codenames in APPROVER_PERMISSIONS.items()
            for codename in codenames
        ],
    )


def ensure_groups(**kwargs):
    ensure_clerks_group()
    ensure_approvers_group()
