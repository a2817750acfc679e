"""Wagtail's ``{% picture %}`` with its filters made once, when the template is compiled.

Wagtail's node makes new ``Filter`` objects at every render, and each filter parses its
spec into operations again to find its rendition (the focal-point key): a third of what
the pictures of a page of cards cost. Here the node keeps the filters it made first (a
filter holds nothing but its parsed spec). The tag reads and renders as Wagtail's own,
and ``core/renditions.py`` finds its specs by the same name.
"""

from django import template
from wagtail.images.templatetags.wagtailimages_tags import PictureNode, image

register = template.Library()


class PreparedPictureNode(PictureNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = super().get_filters()

    def get_filters(self):
        return self.filters


@register.tag
def picture(parser, token):
    """``{% picture image spec… attr=value… %}``, as Wagtail's (``wagtailimages_tags``)."""
    node = image(parser, token)
    return PreparedPictureNode(
        node.image_expr, node.filter_specs, output_var_name=node.output_var_name, attrs=node.attrs
    )
