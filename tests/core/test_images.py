"""Staff photos keep no location: every image Wagtail stores, original and renditions,
is stripped of identifying metadata, orientation applied and colour profile kept."""

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from PIL import Image, ImageCms
from wagtail.images import get_image_model

from core.images import has_identifying_metadata
from education.moderation import ensure_groups as ensure_editor_groups

GPS_TAG = 0x8825
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'


def phone_photo():
    """A 60×40 JPEG from a phone: GPS, Artist, Make, XMP, rotated 90° by its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Zhang Wei"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (31.0, 54.0, 0.0), 3: "E", 4: (120.0, 17.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(
        buffer, "JPEG", exif=exif.tobytes(), icc_profile=ICC, xmp=XMP
    )
    return buffer.getvalue()


def assert_clean(data, size):
    assert b"PhoneMaker" not in data and b"Zhang Wei" not in data and b"xmpmeta" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert not has_identifying_metadata(image)
        assert image.info.get("icc_profile") == ICC  # the colours still render right
        assert image.size == size


@pytest.fixture
def editor(home, client):
    ensure_editor_groups()
    user = User.objects.create_user("editor", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def test_the_test_photo_carries_what_must_go():
    with Image.open(io.BytesIO(phone_photo())) as image:
        assert has_identifying_metadata(image)
        assert image.getexif()[0x0112] == 6


def test_an_editors_upload_is_stored_and_rendered_without_metadata(editor, client):
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "消防演练",
            "description": "队员在演练",
            "file": SimpleUploadedFile("drill.jpg", phone_photo(), content_type="image/jpeg"),
            "collection": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="消防演练")
    assert (image.width, image.height) == (40, 60)  # orientation applied first
    with image.open_file() as stored:
        data = stored.read()
    assert_clean(data, (40, 60))
    assert image.file_size == len(data)
    rendition = image.get_rendition("width-20")
    with rendition.file.open("rb") as rendered:
        assert_clean(rendered.read(), (20, 30))


@pytest.mark.django_db
def test_a_new_file_is_not_in_storage_until_saved():
    # strip_wagtail_image tells a fresh upload from a stored file by this flag.
    image = get_image_model()()
    image.file = ContentFile(phone_photo(), name="a.jpg")
    assert isinstance(image.file, FieldFile)
    assert image.file._committed is False


@pytest.mark.django_db
def test_the_migration_cleans_images_stored_before(home):
    from importlib import import_module

    migration = import_module("core.migrations.0001_strip_stored_image_metadata")
    Image_ = get_image_model()
    image = Image_(title="旧照片")
    image.file.save("old.jpg", ContentFile(phone_photo()), save=False)
    image.width, image.height = 60, 40
    Image_.objects.bulk_create([image])  # as before: no pre_save, metadata stored
    image = Image_.objects.get(title="旧照片")
    with image.open_file() as stored:
        assert b"PhoneMaker" in stored.read()
    stale = image.get_rendition("width-20")
    migration.strip_stored_images(apps, None)
    image.refresh_from_db()
    with image.open_file() as stored:
        assert_clean(stored.read(), (40, 60))
    assert (image.width, image.height) == (40, 60)
    assert not image.renditions.filter(pk=stale.pk).exists()
    with image.get_rendition("width-20").file.open("rb") as rendered:
        assert_clean(rendered.read(), (20, 30))
