"""A material's QR code as SVG, PNG, a print-ready A4 sheet (n-up) and a poster.

The code encodes the absolute scan URL on the public site (``/q/<code>/`` on the
default site's root URL), with error correction Q (25 %), so a leaflet folded, creased
or stained still scans. The PDFs draw every module as a vector square: sharp at any
print size. Labels use the PDF standard's Chinese font (STSong-Light), which every
reader substitutes from its own CJK fonts, so nothing is embedded.
"""

import io

import segno
from django.urls import reverse
from reportlab.lib.pagesizes import A2, A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from wagtail.models import Site

FONT = "STSong-Light"
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
# A4 n-up: 3 × 4 codes of 50 mm, each with its label and code beneath; cut lines light.
COLUMNS, ROWS = 3, 4


def scan_url(material):
    site = Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site is not None else ""
    return f"{root}{reverse('reach_scan', args=[material.code])}"


def qr_code(material):
    return segno.make(scan_url(material), error="q", micro=False)


def svg(material):
    out = io.BytesIO()
    qr_code(material).save(out, kind="svg", scale=8, border=QUIET_ZONE, xmldecl=True)
    return out.getvalue()


def png(material, scale=10):
    out = io.BytesIO()
    qr_code(material).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()


def _font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _draw_code(pdf, code, x, y, size):
    """The code with its quiet zone, ``size`` points wide, lower-left corner at x, y."""
    matrix = code.matrix
    modules = len(matrix) + 2 * QUIET_ZONE
    step = size / modules
    pdf.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(matrix):
        top = y + size - (row + QUIET_ZONE + 1) * step
        col = 0
        while col < len(line):
            if line[col] & 1:
                start = col
                while col < len(line) and line[col] & 1:
                    col += 1
                # One rectangle per run of dark modules, a hair wider so no seam shows.
                pdf.rect(
                    x + (start + QUIET_ZONE) * step,
                    top,
                    (col - start) * step + 0.01,
                    step + 0.01,
                    stroke=0,
                    fill=1,
                )
            else:
                col += 1


def _caption(pdf, material, centre, y, label_size, code_size):
    font = _font()
    pdf.setFont(font, label_size)
    pdf.drawCentredString(centre, y, material.label)
    pdf.setFont("Helvetica", code_size)
    pdf.drawCentredString(centre, y - code_size * 1.4, f"{material.code}   {scan_url(material)}")


def sheet(material, copies=COLUMNS * ROWS):
    """An A4 PDF of ``copies`` codes (12 a page), each labelled, with light cut lines."""
    out = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(f"{material.label} · {material.code}")
    cell_w, cell_h = (width - 20 * mm) / COLUMNS, (height - 20 * mm) / ROWS
    size = min(cell_w, cell_h - 18 * mm) - 6 * mm
    code = qr_code(material)
    per_page = COLUMNS * ROWS
    for index in range(copies):
        if index and index % per_page == 0:
            pdf.showPage()
        slot = index % per_page
        col, row = slot % COLUMNS, slot // COLUMNS
        left = 10 * mm + col * cell_w
        bottom = height - 10 * mm - (row + 1) * cell_h
        pdf.setStrokeColorRGB(0.8, 0.8, 0.8)
        pdf.setLineWidth(0.3)
        pdf.rect(left, bottom, cell_w, cell_h, stroke=1, fill=0)
        _draw_code(pdf, code, left + (cell_w - size) / 2, bottom + 16 * mm, size)
        _caption(pdf, material, left + cell_w / 2, bottom + 10 * mm, 10, 6.5)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def poster(material):
    """A2 poster: one large code with the label and the URL under it."""
    out = io.BytesIO()
    width, height = A2
    pdf = canvas.Canvas(out, pagesize=A2)
    pdf.setTitle(f"{material.label} · {material.code}")
    size = width - 120 * mm
    _draw_code(pdf, qr_code(material), (width - size) / 2, height - 60 * mm - size, size)
    _caption(pdf, material, width / 2, height - 100 * mm - size, 44, 22)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
