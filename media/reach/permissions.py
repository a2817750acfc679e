"""The "Reach clerks" staff group: enter, import and export tallies, see the dashboard."""

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
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=CLERKS_GROUP)
    for app_label, codenames in PERMISSIONS.items():
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        group.permissions.add(*perms)
    return group
