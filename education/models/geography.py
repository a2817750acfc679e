"""The place tree: city → district → town → community, and venues inside any of them.

Each site's settings name its city (``SiteSettings.city``); the site's places are that
city and every place inside it (``education/geography.py``). Experience centres lie in
a district or town of their site; reach counts outreach at any place of the tree.

The table keeps the name it had when reach alone used places (``reach_place``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import ENGLISH_HELP, EnglishFields


class Place(EnglishFields, models.Model):
    """Where outreach happened: district → town → community, or a venue."""

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        TOWN = "town", _("town or subdistrict")
        COMMUNITY = "community", _("community or village")
        VENUE = "venue", pgettext_lazy("place kind", "venue")

    #: The kinds of place an experience centre lies in (its "district or town").
    CENTRE_KINDS = (Kind.DISTRICT, Kind.TOWN)

    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(
        _("name in English"), max_length=80, blank=True, help_text=ENGLISH_HELP
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        db_table = "reach_place"
        ordering = ["kind", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(fields=["name", "parent"], name="reach_place_unique"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent=None), name="reach_place_root_unique"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        """The name in the visitor's language."""
        return self.localized("name")

    def clean(self):
        parent_kind = self.parent.kind if self.parent_id else None
        if self.kind and parent_kind not in PARENT_KINDS[self.kind]:
            if parent_kind is None:
                message = _("A %(kind)s lies inside another place: choose it.")
            else:
                message = _(
                    "A %(kind)s cannot lie inside %(parent)s. Places go city → district → "
                    "town → community; a venue lies inside any of them."
                )
            raise ValidationError(
                {
                    "parent": message
                    % {
                        "kind": self.get_kind_display(),
                        "parent": self.parent.name if self.parent_id else "",
                    }
                }
            )
        node, seen = self.parent, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("A place cannot be inside itself.")})
            seen.add(node.pk)
            node = node.parent

    def descendant_ids(self):
        """This place's id and every place inside it (a few hundred rows at most)."""
        children = {}
        for pk, parent_id in Place.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        ids, todo = [], [self.pk]
        while todo:
            pk = todo.pop()
            ids.append(pk)
            todo.extend(children.get(pk, []))
        return ids


K = Place.Kind
# Which kind of place each kind may lie inside (None: at the top of the tree).
PARENT_KINDS = {
    K.CITY: {None},
    K.DISTRICT: {None, K.CITY},
    K.TOWN: {K.CITY, K.DISTRICT},
    K.COMMUNITY: {K.TOWN},
    K.VENUE: {K.CITY, K.DISTRICT, K.TOWN, K.COMMUNITY},
}
