from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared layer every app may use; it imports no app of this project."""

    name = "core"
    verbose_name = "Firebreak core"
