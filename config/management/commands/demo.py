import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Each app's loader, in import order (lowest app first). Every loader is idempotent.
LOADERS = [
    "education.demo.load",
    "events.demo.load",
    "media.contest.demo.load",
    "media.reach.demo.load",
    "education.demo.load_menu",  # the menu names pages of every app
    "education.demo.load_english",  # last: translations need the whole tree
]


class Command(BaseCommand):
    help = "Load the demo content (idempotent) and make a local admin account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-admin", action="store_true", help="Do not create the local admin account."
        )

    def handle(self, *args, no_admin=False, **options):
        from education.i18n import sync_translation_aliases

        with transaction.atomic():
            for path in LOADERS:
                import_string(path)(stdout=self.stdout)
            aliases = sync_translation_aliases()
        self.stdout.write(f"English page tree: {aliases} new aliases")
        if not no_admin:
            self.ensure_admin()

    def ensure_admin(self):
        username = os.environ.get("FIREBREAK_ADMIN_USER", "admin")
        password = os.environ.get("FIREBREAK_ADMIN_PASSWORD", "firebreak-admin")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(password)
            user.save()
            self.stdout.write(self.style.SUCCESS(f"Admin account created: {username} / {password}"))
        else:
            self.stdout.write(
                f"Admin account exists: {username} (its password is unchanged; "
                f"a new account gets FIREBREAK_ADMIN_PASSWORD, default firebreak-admin)"
            )
