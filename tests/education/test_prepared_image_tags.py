"""``{% picture %}`` of prepared_image_tags renders as Wagtail's, its filters made once."""

import io

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from PIL import Image as PILImage
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db

TAG = (
    '{% picture image format-{webp,jpeg} fill-{320x180,640x360} sizes="100vw" '
    'loading="lazy" alt=alt %}'
)


def stored_image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (200, 30, 30)).save(buffer, "JPEG")
    return get_image_model().objects.create(
        title="演练", file=ContentFile(buffer.getvalue(), name="drill.jpg")
    )


def test_the_prepared_picture_is_wagtails_picture():
    image = stored_image()
    context = {"image": image, "alt": "疏散演练"}
    wagtails = Template("{% load wagtailimages_tags %}" + TAG).render(Context(context))
    prepared = Template("{% load prepared_image_tags %}" + TAG)
    assert "<picture>" in wagtails
    assert prepared.render(Context(context)) == wagtails
    assert prepared.render(Context({"image": None})) == ""


def test_the_filters_are_made_once_per_template():
    image = stored_image()
    template = Template("{% load prepared_image_tags %}" + TAG)
    node = template.nodelist[-1]
    filters = node.get_filters()
    assert [f.spec for f in filters] == [
        "format-webp|fill-320x180",
        "format-webp|fill-640x360",
        "format-jpeg|fill-320x180",
        "format-jpeg|fill-640x360",
    ]
    template.render(Context({"image": image}))
    assert node.get_filters() is filters
