"""Images stored before metadata was stripped on upload: clean them, drop their renditions.

Only files that still carry identifying metadata are re-encoded (a clean file is left
as it is); their renditions are deleted and made again, clean, on the next request.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import migrations

from core.images import needs_cleaning, reencode


def strip_stored_images(apps, schema_editor):
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    for image in Image.objects.exclude(file="").iterator():
        storage, name = image.file.storage, image.file.name
        if not storage.exists(name):
            continue
        with storage.open(name, "rb") as stored:
            data = stored.read()
        if not needs_cleaning(data):
            continue
        cleaned = reencode(data)
        if cleaned is None:
            continue
        data, width, height = cleaned
        storage.delete(name)
        new_name = storage.save(name, ContentFile(data))
        for rendition in Rendition.objects.filter(image=image):
            if rendition.file:
                rendition.file.storage.delete(rendition.file.name)
            rendition.delete()
        Image.objects.filter(pk=image.pk).update(
            file=new_name,
            width=width,
            height=height,
            file_size=len(data),
            file_hash=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        )


class Migration(migrations.Migration):
    dependencies = [("wagtailimages", "0027_image_description")]

    operations = [migrations.RunPython(strip_stored_images, migrations.RunPython.noop)]
