from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class CoreConfig(AppConfig):
    """The shared layer every app may use; it imports no app of this project."""

    name = "core"
    verbose_name = "Firebreak core"

    def ready(self):
        from wagtail.images import get_image_model

        from .images import strip_wagtail_image
        from .renditions import queue_renditions

        image_model = get_image_model()
        pre_save.connect(strip_wagtail_image, sender=image_model, dispatch_uid="core.strip_image")
        post_save.connect(
            queue_renditions, sender=image_model, dispatch_uid="core.queue_renditions"
        )
