from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _ensure_groups(sender, **kwargs):
    from .moderation import ensure_groups

    ensure_groups()


class EducationConfig(AppConfig):
    name = "education"
    verbose_name = _("Education content")

    def ready(self):
        from .models import SearchSynonym
        from .search.synonyms import forget

        post_save.connect(forget, sender=SearchSynonym, dispatch_uid="synonyms-saved")
        post_delete.connect(forget, sender=SearchSynonym, dispatch_uid="synonyms-deleted")
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="education-groups")
