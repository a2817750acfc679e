"""Staff groups made idempotently from a list of permissions, for every app's groups."""


def ensure_group(name, permissions):
    """The group ``name`` holding at least ``permissions``: (app_label, codename) pairs.

    Permissions not yet created (their app not migrated) are skipped; extra permissions
    an administrator gave the group stay.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _created = Group.objects.get_or_create(name=name)
    wanted = Q(pk__in=[])
    for app_label, codename in permissions:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group
