"""Hostile uploads made safe: images re-encoded without metadata, documents turned to text.

An image is judged by its content, never its name: only JPEG, PNG and WebP decoders
are tried. The byte size is checked before reading, the pixel count from the header
before decoding, and the pixels are re-encoded into a fresh file so that EXIF (GPS),
XMP, comments and anything appended after the image data are left behind — the site's
one rule for image metadata, ``core.images.without_metadata`` (orientation applied, the
colour profile kept while the pixels keep their colour mode).
"""

import io
import re
import warnings
import zipfile
from xml.etree import ElementTree  # noqa: S405 - DOCTYPE/ENTITY refused before parsing

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from core.images import save_kwargs, without_metadata

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
DISPLAY_SIZE = (1200, 1200)
THUMBNAIL_SIZE = (480, 360)
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _refuse_size(size_bytes, limit):
    if size_bytes is None or size_bytes > limit:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB."),
            code="too_large",
            params={"mb": limit // (1024 * 1024)},
        )
    if size_bytes == 0:
        raise ValidationError(_("The file is empty."), code="empty")


def _open_checked(uploaded):
    """Open lazily, refuse unknown formats and oversized pixel counts before decoding."""
    _refuse_size(getattr(uploaded, "size", None), settings.CONTEST_MAX_UPLOAD_BYTES)
    max_pixels = settings.CONTEST_MAX_IMAGE_PIXELS
    uploaded.seek(0)
    not_an_image = ValidationError(
        _("This file is not a JPEG, PNG or WebP image. Please upload a photo or scan."),
        code="not_image",
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns first; treat that as a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(uploaded, formats=ALLOWED_FORMATS)
    except (UnidentifiedImageError, SyntaxError, ValueError, OSError) as exc:
        raise not_an_image from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    return image


def _too_many_pixels(max_pixels):
    return ValidationError(
        _("The picture is too large: at most %(mp)s million pixels."),
        code="too_many_pixels",
        params={"mp": max_pixels // 1_000_000},
    )


def _to_8bit(image):
    """RGB or RGBA with 8 bits per channel, whatever came in (CMYK, 16-bit, palette…)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA"):
        return image.convert("RGBA")
    if image.mode != "RGB":
        image = image.convert("RGB")
    return image


def sanitize_image(uploaded):
    """Return (ContentFile, width, height): re-encoded pixels only, orientation applied.

    Raises ValidationError with a message for the visitor when the file is refused.
    """
    image = _open_checked(uploaded)
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            clean = without_metadata(image)
            image = _to_8bit(clean)
            if image.mode != clean.mode:
                # A profile describes the old colour mode's numbers, not the new ones.
                image.info.pop("icc_profile", None)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(settings.CONTEST_MAX_IMAGE_PIXELS) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            _("The picture could not be read; it may be damaged or incomplete."),
            code="broken_image",
        ) from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return encode(image), image.width, image.height


def encode(image, size=None, crop=False):
    """A fresh JPEG (or PNG where there is transparency) of the pixels, no metadata
    but the colour profile."""
    kept = save_kwargs(image)
    kept.pop("transparency", None)  # RGB or RGBA by now: no palette
    if size and crop:
        image = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    elif size:
        image = image.copy()
        image.thumbnail(size, Image.Resampling.LANCZOS)
    image.info = {}
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, "PNG", optimize=True, **kept)
        extension = "png"
    else:
        image.save(buffer, "JPEG", quality=86, optimize=True, progressive=True, **kept)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"work.{extension}")


def make_renditions(original_file):
    """Display-size and thumbnail files from an already-stripped original."""
    with Image.open(original_file, formats=("JPEG", "PNG")) as image:
        image.load()
        image = _to_8bit(image)
        return encode(image, DISPLAY_SIZE), encode(image, THUMBNAIL_SIZE, crop=True)


def _doc_error():
    return ValidationError(
        _("The document could not be read. Upload a .txt or .docx file, or paste the text."),
        code="bad_document",
    )


def document_to_text(uploaded):
    """Plain text from an uploaded .txt (UTF-8 or GB18030) or .docx."""
    limit = settings.CONTEST_MAX_DOCUMENT_BYTES
    _refuse_size(getattr(uploaded, "size", None), limit)
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    if data.startswith(b"PK\x03\x04"):
        return _docx_text(data, limit)
    if b"\x00" in data:
        raise _doc_error()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return normalise_text(text)
    raise _doc_error()


def _docx_text(data, limit):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _doc_error() from exc
    # A zip bomb declares a small file that inflates hugely: trust neither number alone.
    if info.file_size > limit * 5:
        raise _doc_error()
    try:
        with archive.open(info) as member:
            xml = member.read(limit * 5 + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise _doc_error() from exc
    if len(xml) > limit * 5 or b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise _doc_error()
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 - no DTD, size capped above
    except ElementTree.ParseError as exc:
        raise _doc_error() from exc
    paragraphs = []
    for paragraph in root.iter(f"{WORD_NS}p"):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(f"{WORD_NS}t")))
    return normalise_text("\n".join(paragraphs))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_text(text):
    """Plain text with paragraphs: control characters dropped, blank-line runs collapsed."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
