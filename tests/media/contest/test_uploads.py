import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from media.contest import services
from media.contest.models import Entry
from media.contest.uploads import document_to_text, sanitize_image
from tests.media.contest.factories import (
    image_bytes,
    png_header_claiming,
    truncated_jpeg,
    upload,
)

GPS_TAG = 0x8825


def jpeg_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (31.0, 54.0, 0.0), 3: "E", 4: (120.0, 17.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def refused(data, name="x.jpg"):
    with pytest.raises(ValidationError) as info:
        sanitize_image(upload(data, name))
    return info.value


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "drawing.jpg", "not_image"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "drawing.png", "not_image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "drawing.png",
            "not_image",
        ),
        (b"", "drawing.jpg", "empty"),
        (image_bytes("GIF"), "drawing.jpg", "not_image"),
        (png_header_claiming(100_000, 100_000), "bomb.png", "too_many_pixels"),
        (png_header_claiming(6000, 6000), "big.png", "too_many_pixels"),
        (truncated_jpeg(), "cut.jpg", "broken_image"),
        (image_bytes("JPEG")[:40], "stub.jpg", "not_image"),
    ],
    ids=[
        "html",
        "pdf",
        "svg",
        "empty",
        "gif",
        "bomb",
        "too-many-pixels",
        "truncated",
        "header-only",
    ],
)
def test_hostile_files_are_refused_with_a_reason(data, name, code):
    assert refused(data, name).code == code


def test_too_many_bytes_is_refused_before_reading(settings):
    settings.CONTEST_MAX_UPLOAD_BYTES = 100
    assert refused(image_bytes("PNG", size=(64, 64))).code == "too_large"


@pytest.mark.parametrize(
    ("fmt", "mode", "color"),
    [("JPEG", "CMYK", (0, 200, 200, 0)), ("PNG", "I;16", 40000), ("PNG", "P", 3)],
    ids=["cmyk", "16-bit", "palette"],
)
def test_unusual_colour_modes_are_stored_as_8bit_rgb(fmt, mode, color):
    content, width, height = sanitize_image(upload(image_bytes(fmt, mode=mode, color=color)))
    with Image.open(io.BytesIO(content.read())) as stored:
        assert stored.mode == "RGB"
        assert (width, height) == stored.size == (64, 48)


def test_16bit_pixels_are_scaled_not_clipped():
    content, *_ = sanitize_image(upload(image_bytes("PNG", mode="I;16", color=32768)))
    with Image.open(io.BytesIO(content.read())) as stored:
        assert stored.getpixel((0, 0))[0] == 128


def test_transparency_is_kept_as_png_and_webp_is_accepted():
    content, *_ = sanitize_image(upload(image_bytes("PNG", mode="RGBA", color=(1, 2, 3, 0))))
    assert content.name.endswith(".png")
    content, *_ = sanitize_image(upload(image_bytes("WEBP"), "drawing.webp"))
    assert content.name.endswith(".jpg")


def test_jpeg_with_script_appended_is_reencoded_without_it():
    data = image_bytes("JPEG") + b"<script>alert(document.cookie)</script>"
    content, *_ = sanitize_image(upload(data))
    stored = content.read()
    assert b"<script" not in stored
    assert stored.startswith(b"\xff\xd8")


def test_orientation_is_applied_then_all_metadata_dropped():
    content, width, height = sanitize_image(upload(jpeg_with_gps()))
    assert (width, height) == (40, 60)  # rotated by the EXIF orientation
    stored = content.read()
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
        assert "icc_profile" not in image.info and "comment" not in image.info


def test_gps_is_absent_from_stored_original_and_every_rendition(
    contest, notice, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    drawing = sanitize_image(upload(jpeg_with_gps()))
    data = {
        "category": "drawing",
        "age_group": contest.age_groups.first(),
        "title": "消防车",
        "display_name": "小雨",
        "school": "实验小学",
        "grade": 2,
        "guardian_name": "王芳",
        "guardian_phone": "13912345678",
    }
    entry, _token = services.submit_entry(
        contest=contest, data=data, notice=notice, drawing=drawing
    )
    staff = get_user_model().objects.create_user("mod", is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=staff)
    entry = Entry.objects.get(pk=entry.pk)
    files = [entry.original, entry.display_image, entry.thumbnail]
    assert all(files)
    for field in files:
        with field.open("rb") as handle:
            stored = handle.read()
        assert b"PhoneMaker" not in stored
        with Image.open(io.BytesIO(stored)) as image:
            exif = image.getexif()
            assert not exif.get_ifd(GPS_TAG)
            assert GPS_TAG not in exif


def test_originals_get_random_names_outside_media_root(contest, notice, settings):
    drawing = sanitize_image(upload(image_bytes(), "我的名字-王小雨.jpg"))
    data = {
        "category": "drawing",
        "age_group": contest.age_groups.first(),
        "title": "画",
        "display_name": "小雨",
        "school": "实验小学",
        "grade": 2,
        "guardian_name": "王芳",
        "guardian_phone": "13912345678",
    }
    entry, _ = services.submit_entry(contest=contest, data=data, notice=notice, drawing=drawing)
    assert "王小雨" not in entry.original.name
    path = entry.original.path
    assert path.startswith(str(settings.PRIVATE_FILES_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        entry.original.url  # noqa: B018


# Essay documents


def docx(paragraphs, extra_xml=b""):
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = extra_xml + f'<w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_docx_becomes_plain_text_paragraphs_with_markup_kept_as_text():
    text = document_to_text(upload(docx(["第一段", "&lt;b&gt;第二段&lt;/b&gt;"]), "essay.docx"))
    assert text == "第一段\n<b>第二段</b>"


def test_txt_in_gb18030_and_utf8_are_read():
    assert document_to_text(upload("消防安全".encode("gb18030"), "e.txt")) == "消防安全"
    assert (
        document_to_text(upload("\ufeff消防\r\n\r\n\r\n\r\n安全".encode(), "e.txt"))
        == "消防\n\n安全"
    )


def test_zip_bomb_and_entity_tricks_are_refused(settings):
    settings.CONTEST_MAX_DOCUMENT_BYTES = 10_000
    bomb = docx(["火" * 100_000])  # compresses far below the limit, inflates above it
    assert len(bomb) < 10_000
    with pytest.raises(ValidationError):
        document_to_text(upload(bomb, "bomb.docx"))
    laughs = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
    with pytest.raises(ValidationError):
        document_to_text(upload(docx(["&a;"], laughs), "laughs.docx"))
    with pytest.raises(ValidationError):
        document_to_text(upload(b"PK\x03\x04garbage", "broken.docx"))
    with pytest.raises(ValidationError):
        document_to_text(upload(b"\x00\x01binary", "e.txt"))
