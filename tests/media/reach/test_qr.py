"""QR codes as files: every code on a printed sheet decodes to its material's scan URL."""

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from media.reach import qr

from .factories import material

pytestmark = pytest.mark.django_db


def decoded(image):
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def pdf_pages(data, scale=2):
    document = pypdfium2.PdfDocument(data)
    return [page.render(scale=scale).to_pil() for page in document]


def test_a_printed_sheet_decodes_to_the_scan_url_on_every_copy(home):
    item = material(home, label="电动车安全充电 · 华士镇")
    url = qr.scan_url(item)
    assert url.endswith(f"/q/{item.code}/") and url.startswith("http")
    pages = pdf_pages(qr.sheet(item, copies=14))
    assert len(pages) == 2
    assert decoded(pages[0]) == [url] * 12
    assert decoded(pages[1]) == [url] * 2


def test_the_poster_decodes(home):
    item = material(home)
    (page,) = pdf_pages(qr.poster(item), scale=0.5)
    assert decoded(page) == [qr.scan_url(item)]


def test_svg_and_png_decode(home):
    item = material(home)
    assert decoded(Image.open(io.BytesIO(qr.png(item)))) == [qr.scan_url(item)]
    assert qr.svg(item).lstrip().startswith(b"<?xml")


def test_two_materials_never_share_a_code(home):
    codes = {material(home, label=f"批次 {n}").code for n in range(20)}
    assert len(codes) == 20
