import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "education",
            "events",
            "contest",
            "reach",
            "wagtailcore",
            "wagtailimages",
            "wagtaildocs",
            "auth",
            "taggit",
            "django_q",
        }
        and model._meta.label
        not in {
            "django_q.Success",
            "django_q.Task",
            "django_q.OrmQ",
            "wagtailcore.ModelLogEntry",
            "wagtailcore.PageLogEntry",
        }
    }


def test_demo_twice_changes_nothing_the_second_time():
    call_command("demo", stdout=io.StringIO())
    first = row_counts()
    assert first["education.HomePage"] == 2  # Chinese page and its English alias
    call_command("demo", stdout=io.StringIO())
    assert row_counts() == first


def test_demo_makes_a_local_admin(django_user_model):
    call_command("demo", stdout=io.StringIO())
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser


@pytest.mark.parametrize(
    "backend",
    [
        {"SMS_BACKEND": "gateway.AliyunSMSBackend"},
        {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"},
    ],
)
def test_the_demo_refuses_to_load_where_its_messages_would_be_delivered(settings, backend):
    """Its bookings and entries text example numbers: never through a real gateway."""
    from django.core.management.base import CommandError

    from events.models import Booking

    for name, value in backend.items():
        setattr(settings, name, value)
    with pytest.raises(CommandError, match="--send-messages"):
        call_command("demo", "--no-admin", stdout=io.StringIO())
    assert not Booking.objects.exists()
