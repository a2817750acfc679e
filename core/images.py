"""Identifying metadata out of every stored image: one rule for all uploads.

A photo from a phone carries where and when it was taken (EXIF GPS), the camera and
its owner (Make, Model, Artist, maker notes), and often XMP, IPTC or comments. None of
it is needed to show the picture. The rule: apply the EXIF orientation to the pixels,
then keep only what drawing them needs — the ICC colour profile and a palette's
transparency — and re-encode. Wagtail's renditions copy the original's EXIF
(Willow passes it on when saving), so a clean original gives clean renditions.

Used by the contest's uploads (media/contest/uploads.py) and for every image Wagtail
stores (``strip_wagtail_image``, connected in core.apps; the core migration
``0001_strip_stored_image_metadata`` cleans images stored before).
"""

import hashlib
import io
import os

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# What may survive in ``Image.info``: what the pixels need to be drawn right.
KEPT_INFO = ("icc_profile", "transparency")
# Where Pillow puts what we drop (EXIF, XMP, IPTC, comments, PNG text).
IDENTIFYING_INFO = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "iptc", "comment")
FORMATS = ("JPEG", "PNG", "WEBP")


def without_metadata(image):
    """A copy of ``image`` with its orientation applied and only ``KEPT_INFO`` kept."""
    kept = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    image = ImageOps.exif_transpose(image)
    image.info = kept
    return image


def has_identifying_metadata(image):
    if any(key in image.info for key in IDENTIFYING_INFO):
        return True
    if getattr(image, "text", None):  # PNG tEXt/iTXt chunks
        return True
    return bool(image.getexif())


def save_kwargs(image):
    """What ``Image.save`` needs to keep the colour profile and transparency."""
    return {key: image.info[key] for key in KEPT_INFO if key in image.info}


def reencode(data):
    """``data`` re-encoded in its own format without metadata: (bytes, width, height).

    None for anything that is not a JPEG, PNG or WebP image Pillow can read (the
    upload's own validation has judged it already).
    """
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            image.load()
            kind = image.format
            clean = without_metadata(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 90, "optimize": True}, "WEBP": {"quality": 90}}
    clean.save(buffer, kind, **options.get(kind, {}), **save_kwargs(clean))
    return buffer.getvalue(), clean.width, clean.height


def needs_cleaning(data):
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            return has_identifying_metadata(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


def strip_wagtail_image(sender, instance, **kwargs):
    """pre_save of Wagtail's image model: a new original file is stored clean.

    Runs for a file just uploaded (not yet in storage: the single upload form) and for
    a new image whose file was put in storage first (the multiple upload view). Other
    saves (a title edited) leave the stored file alone.
    """
    field = instance.file
    if not field:
        return
    # ``_committed`` is False while the file is not yet in storage (Django's FieldFile);
    # tests/core/test_images.py fails if that stops being so.
    in_storage = getattr(field, "_committed", True)
    if in_storage and not instance._state.adding:
        return
    with field.open("rb"):
        data = field.read()
    cleaned = reencode(data)
    if cleaned is None:
        return
    data, width, height = cleaned
    old_name = field.name
    instance.file = ContentFile(data, name=os.path.basename(old_name))
    if in_storage:
        field.storage.delete(old_name)
    instance.width, instance.height = width, height
    instance.file_size = len(data)
    instance.file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
