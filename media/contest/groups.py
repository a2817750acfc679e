"""The contest's staff groups and their permissions, created idempotently."""

from django.contrib.auth.models import Group, Permission

CONTEST_STAFF = "Contest staff"
JUDGES = "Judges"

PERMISSIONS = {
    CONTEST_STAFF: [
        ("wagtailadmin", "admin", "access_admin"),
        ("contest", "entry", "view_entry"),
        ("contest", "entry", "change_entry"),
        ("contest", "entry", "moderate_entry"),
        ("contest", "entry", "view_guardian_data"),
        ("contest", "entry", "manage_results"),
        ("contest", "consentnotice", "add_consentnotice"),
        ("contest", "consentnotice", "change_consentnotice"),
        ("contest", "consentnotice", "view_consentnotice"),
    ],
    JUDGES: [
        ("wagtailadmin", "admin", "access_admin"),
        ("contest", "entry", "judge_entry"),
    ],
}


def ensure_groups(**kwargs):
    """Create the groups and grant exactly the permissions above (extra ones stay)."""
    groups = {}
    for name, permissions in PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, model, codename in permissions:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
        groups[name] = group
    return groups
