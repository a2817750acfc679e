"""Restore a backup archive into an empty install, then migrate it forward."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a `manage.py backup` archive into an empty install (database and uploads)."

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore_backup(archive)
        except BackupError as error:
            raise CommandError(f"not restored: {error}") from None
        self.stdout.write(
            f"restored {len(manifest['members'])} members from a backup of "
            f"{manifest['created']} (Firebreak {manifest['firebreak']})"
        )
        # An archive from an older version is brought up to this code's schema.
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("migrations applied")
