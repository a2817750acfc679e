"""Back up the database and every upload into one archive with a manifest."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, create_backup, rotate


class Command(BaseCommand):
    help = "Write a consistent backup (database + public and private uploads) to a tar archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help="directory for the archive (default: BACKUP_DIR, var/backups)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="afterwards keep only this many newest archives in that directory",
        )

    def handle(self, *args, output=None, keep=None, **options):
        directory = output or settings.BACKUP_DIR
        try:
            summary = create_backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{summary.path} ({summary.files} members, {summary.bytes} bytes)")
        if keep:
            for path in rotate(directory, keep):
                self.stdout.write(f"removed {path.name}")
