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
        self.use_pinyin_slugs()

    @staticmethod
    def use_pinyin_slugs():
        """Give every page type the pinyin-slug form (core/slugs.py), unless it has a
        form of its own. Set on each model: wagtail.admin, whose ready() runs after
        ours, sets ``Page.base_form_class`` itself."""
        from wagtail.models import get_page_models

        from .slugs import PinyinSlugPageForm

        for model in get_page_models():
            if "base_form_class" not in model.__dict__:
                model.base_form_class = PinyinSlugPageForm
