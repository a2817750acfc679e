"""Every rendition our templates ask for is made by the worker once an image is stored."""

import io

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from PIL import Image as PILImage
from wagtail.images import get_image_model

from core.renditions import template_specs

pytestmark = pytest.mark.django_db


def jpeg():
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_specs_come_from_the_templates_image_tags():
    specs = template_specs()
    # education/includes/card.html and blocks/image.html, braces expanded
    assert {"format-webp|fill-320x180", "format-jpeg|fill-640x360"} <= set(specs)
    assert {"format-webp|width-400", "format-jpeg|width-1200"} <= set(specs)
    assert not any("=" in spec or " " in spec for spec in specs)


def test_a_stored_image_gets_its_renditions_before_any_page_asks(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        image = get_image_model()(title="演练", file=ContentFile(jpeg(), name="drill.jpg"))
        image.save()
    made = set(image.renditions.values_list("filter_spec", flat=True))
    assert made == set(template_specs())
    # What a page with a card shows next is only looked up, nothing is made.
    before = image.renditions.count()
    html = Template(
        "{% load wagtailimages_tags %}{% picture image format-{webp,jpeg} fill-{320x180,640x360} %}"
    ).render(Context({"image": image}))
    assert "<picture>" in html
    assert image.renditions.count() == before


def test_a_title_edit_queues_nothing(django_capture_on_commit_callbacks):
    image = get_image_model().objects.create(
        title="演练", file=ContentFile(jpeg(), name="drill.jpg")
    )
    with django_capture_on_commit_callbacks(execute=True):
        image.title = "疏散演练"
        image.save(update_fields=["title"])
    assert not image.renditions.exists()
