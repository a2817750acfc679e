"""The contest's staff groups and their permissions, created idempotently."""

from core.groups import ensure_group

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
    """Create the groups and grant the permissions above (extra ones stay)."""
    return {
        name: ensure_group(name, [(app, codename) for app, _model, codename in permissions])
        for name, permissions in PERMISSIONS.items()
    }
