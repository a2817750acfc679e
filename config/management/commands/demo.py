import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
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
# Backends that deliver nothing to anyone: the demo's bookings and contest entries write
# their messages to the outbox like any other, addressed to example numbers that may
# well belong to real people.
SAFE_SMS = {"core.sms.LogSMSBackend"}
SAFE_EMAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


class Command(BaseCommand):
    help = "Load the demo content (idempotent) and make a local admin account."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-admin", action="store_true", help="Do not create the local admin account."
        )
        parser.add_argument(
            "--send-messages",
            action="store_true",
            help="Load even though SMS or email would reach real gateways.",
        )

    def handle(self, *args, no_admin=False, send_messages=False, **options):
        from education.i18n import sync_translation_aliases

        delivering = (
            settings.SMS_BACKEND not in SAFE_SMS or settings.EMAIL_BACKEND not in SAFE_EMAIL
        )
        if delivering and not send_messages:
            raise CommandError(
                "演示数据会给示例手机号和邮箱写入短信和邮件，而当前设置会把它们真正发出去；"
                "请在开发环境加载，或加 --send-messages。\n"
                "The demo writes SMS and email to example numbers and addresses, and these "
                f"settings would deliver them (SMS_BACKEND={settings.SMS_BACKEND}, "
                f"EMAIL_BACKEND={settings.EMAIL_BACKEND}). Load it in development, or pass "
                "--send-messages."
            )

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
