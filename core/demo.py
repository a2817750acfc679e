"""The demo's one loader: each app's content is data (``<app>/demo/*.toml``), read here,
made into pages, dated relative to the day it is loaded, and drawn with one picture.

Idempotent: a page is found by its path of slugs under the Chinese home page, an image
by its title, and nothing that exists is created or changed again.
"""

import io
import random
import re
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import models
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Locale, Page

SETTING = re.compile(r"\{settings\.([A-Z_]+)\}")
PALETTES = [
    ("#87ceeb", "#dc281e", "#ffa000"),
    ("#fff4d6", "#c81e1e", "#fa7814"),
    ("#c8ebc8", "#285ac8", "#e63c28"),
    ("#fae6f0", "#b4143c", "#ffc828"),
]


def read(package_file, name):
    """The data file ``<name>.toml`` beside ``package_file``, with ``{settings.X}`` filled."""
    with Path(package_file).with_name(f"{name}.toml").open("rb") as file:
        return _walk(
            tomllib.load(file), lambda s: SETTING.sub(lambda m: str(getattr(settings, m[1])), s)
        )


def _walk(value, text):
    """``value`` with ``text`` applied to every string in it."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        return [_walk(item, text) for item in value]
    if isinstance(value, dict):
        return {key: _walk(item, text) for key, item in value.items()}
    return value


def when(spec, today=None):
    """A date or an aware datetime from the data, relative to today.

    A fixed date (history) stays as it is; a number is days from today; a table takes
    the next of its ``next`` month-days ("07-01") or today, sets the month-day ``on``,
    moves ``years`` and ``days`` and, with ``at`` ("08:30"), sets the local time of day.
    """
    if isinstance(spec, date):
        return spec
    today = today or timezone.localdate()
    if isinstance(spec, int):
        return today + timedelta(days=spec)
    day = today
    if "next" in spec:
        dates = [today.replace(month=int(md[:2]), day=int(md[3:])) for md in spec["next"]]
        day = min(d if d > today else d.replace(year=d.year + 1) for d in dates)
    if "on" in spec:
        day = day.replace(month=int(spec["on"][:2]), day=int(spec["on"][3:]))
    day = day.replace(year=day.year + spec.get("years", 0)) + timedelta(days=spec.get("days", 0))
    if "at" not in spec:
        return day
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(spec["at"])))


def weekdays_after(anchor, weekdays, weeks=1):
    """The days on these ISO weekdays (1 = Monday) for ``weeks`` weeks, each week from
    its first weekday on, the first of them after ``anchor``."""
    start = anchor + timedelta(days=(weekdays[0] - 1 - anchor.weekday()) % 7 or 7)
    return [
        start + timedelta(days=(weekday - weekdays[0]) % 7, weeks=week)
        for week in range(weeks)
        for weekday in weekdays
    ]


def home():
    """The Chinese home page, or None before the education content is loaded."""
    try:
        locale = Locale.get_default()
    except Locale.DoesNotExist:
        return None
    page = Page.objects.filter(depth=2, locale=locale).first()
    return page.specific if page else None


def at(path, root=None):
    """The page at ``path`` (slugs) under the Chinese home page, or None."""
    page = root or home()
    for slug in filter(None, path.split("/")):
        if page is None:
            return None
        page = page.get_children().filter(slug=slug).first()
    return page.specific if page else None


def ensure_page(parent, model, slug, **fields):
    """The child page with this slug, created and published if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, locale=parent.locale, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def model_fields(model, fields):
    """The data's fields as ``model`` takes them, and its many-to-many values apart:
    "page:<path>" is that page (its id inside a stream), dates are relative to today,
    times are "HH:MM", and many-to-many values are slugs."""
    fields = _walk(fields, lambda s: at(s[5:]).pk if s.startswith("page:") else s)
    related = {}
    for name, value in list(fields.items()):
        field = model._meta.get_field(name)
        if isinstance(field, models.DateField):
            fields[name] = when(value)
        elif isinstance(field, models.TimeField):
            fields[name] = time.fromisoformat(value)
        elif field.many_to_one and isinstance(value, int):
            fields[field.attname] = fields.pop(name)
        elif field.many_to_many:
            related[name] = list(field.related_model.objects.filter(slug__in=fields.pop(name)))
    return fields, related


def load_pages(app_label, pages, prepare=None):
    """Each page of the data (``path``, ``type`` and its fields), in order, under its
    parent; ``prepare(slug, fields)`` turns the app's own keys into field values first."""
    made = []
    for entry in pages:
        fields = dict(entry)
        parent_path, _slash, slug = fields.pop("path").rpartition("/")
        model = apps.get_model(app_label, fields.pop("type"))
        parent = at(parent_path)
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            made.append(existing.specific)
            continue
        fields, related = model_fields(model, prepare(slug, fields) if prepare else fields)
        page = model(slug=slug, locale=parent.locale, **fields)
        for name, value in related.items():
            setattr(page, name, value)
        parent.add_child(instance=page)
        page.save_revision().publish()
        made.append(page)
    return made


def drawing(seed, palette=None):
    """A child-like picture of a fire-safety scene, shapes and colours only: a house with
    a fire on its roof and the fire engine's jet. The demo's only image generator."""
    rng = random.Random(seed)
    sky, truck, flame = palette or PALETTES[seed % len(PALETTES)]
    image = PILImage.new("RGB", (800, 600), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 470, 800, 600), fill=(110, 180, 90))
    draw.ellipse((640, 30, 740, 130), fill=(255, 220, 60))
    hx = rng.randint(40, 300)
    draw.rectangle((hx, 270, hx + 220, 470), fill=(240, 220, 180), outline=(80, 60, 40), width=4)
    draw.polygon([(hx - 20, 270), (hx + 110, 170), (hx + 240, 270)], fill=(160, 70, 50))
    draw.rectangle((hx + 90, 390, hx + 130, 470), fill=(120, 80, 50))
    for i in range(rng.randint(2, 4)):
        fx = hx + 40 + i * 50
        draw.polygon([(fx, 230), (fx + 20, 150 - rng.randint(0, 40)), (fx + 40, 230)], fill=flame)
    tx = rng.randint(420, 520)
    draw.rectangle((tx, 380, tx + 240, 460), fill=truck, outline=(40, 40, 40), width=3)
    draw.rectangle((tx + 170, 340, tx + 240, 400), fill=truck, outline=(40, 40, 40), width=3)
    draw.line((tx + 20, 380, tx - 60, 250), fill=(200, 200, 200), width=8)
    draw.line((tx - 60, 250, hx + 180, 200), fill=(60, 150, 255), width=6)
    for wx in (tx + 40, tx + 190):
        draw.ellipse((wx - 24, 440, wx + 24, 488), fill=(30, 30, 30))
    return image


def png(picture):
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def ensure_image(title, alt, seed, palette=None):
    """The Wagtail image with this title, drawn if missing."""
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title, description=alt)
        image.file = ImageFile(io.BytesIO(png(drawing(seed, palette))), name=f"demo-{seed}.png")
        image.save()
    return image
