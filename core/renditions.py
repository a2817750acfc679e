"""Image renditions made by the worker once an image is stored, not by the first page view.

Wagtail makes a rendition when a template first asks for it: the web process then reads
the original from the storage, resizes it and writes the rendition back, inside a
visitor's request. Here every rendition our templates ask for is made ahead by a
django-q2 task, reading and writing through the public storage only, so a web machine
needs no disk of its own and no page waits for Pillow. The filter specs are read from
the templates themselves (``{% image %}``, ``{% picture %}``, ``{% srcset_image %}``), so
a template that asks for a new size is served without anything else to change.
"""

import functools
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template import engines
from django.utils.text import smart_split

IMAGE_TAG = re.compile(r"{%\s*(?:image|picture|srcset_image)\s+(.*?)%}", re.DOTALL)


def _project_template_files():
    base = Path(settings.BASE_DIR).resolve()
    for engine in engines.all():
        for directory in engine.template_dirs:
            directory = Path(directory).resolve()
            if directory.is_relative_to(base) and ".venv" not in directory.parts:
                yield from directory.rglob("*.html")


@functools.cache
def template_specs():
    """Every filter spec our templates' image tags ask for, braces expanded, sorted."""
    from wagtail.images.models import Filter

    specs = set()
    for path in _project_template_files():
        for match in IMAGE_TAG.finditer(path.read_text(encoding="utf-8")):
            words = list(smart_split(match.group(1)))[1:]  # the first is the image
            filters = []
            for word in words:
                if word == "as" or "=" in word:
                    break
                if Filter.expanding_spec_pattern.match(word):
                    filters.append(word)
            if filters:
                specs.update(Filter.expand_spec(filters))
    return sorted(specs)


@task()
def build_image_renditions(image_id):
    """Make the renditions of ``template_specs()`` for one image (existing ones are kept)."""
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None or not image.file:
        return 0
    return len(image.get_renditions(*template_specs()))


def queue_renditions(sender, instance, update_fields=None, **kwargs):
    """post_save of Wagtail's image model: a stored file gets its renditions made."""
    if update_fields is not None and "file" not in update_fields:
        return
    image_id = instance.pk
    transaction.on_commit(lambda: build_image_renditions.enqueue(image_id))
