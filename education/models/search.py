"""Editor-managed synonyms that widen residents' searches."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

SEPARATORS = re.compile(r"[,，、;；=\s]+")


class SearchSynonym(models.Model):
    terms = models.CharField(
        _("words that mean the same"),
        max_length=300,
        help_text=_("Separate with commas, e.g. 电动车, 电动自行车, 电瓶车."),
    )

    panels = [FieldPanel("terms")]

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return " = ".join(self.term_list)

    @property
    def term_list(self):
        return [term for term in SEPARATORS.split(self.terms) if term]

    def clean(self):
        if len(self.term_list) < 2:
            raise ValidationError({"terms": _("Give at least two words.")})
