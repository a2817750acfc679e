"""Every CSV/XLSX export of the admin goes through ``FormulaSafeIndexView``:

- spreadsheet safety: a cell that starts like a formula (= + - @, tab, carriage
  return) is exported as text, so ``=cmd|…`` typed by the public never runs in a staff
  member's spreadsheet;
- readable values: a choice by its label in the reader's language (已确认, not
  ``confirmed``), yes/no for booleans, and times in the site's time zone
  (Asia/Shanghai: a 10:00 session reads 10:00, not 02:00 UTC).
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import IndexView

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def readable(item, path, value):
    """``value`` of ``item``'s field at ``path`` (``session.starts_at``) as a reader wants it."""
    if isinstance(value, datetime.datetime):
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    owner, _dot, name = path.rpartition(".")
    for step in owner.split(".") if owner else []:
        item = getattr(item, step, None)
    meta = getattr(item, "_meta", None)
    if meta is None:
        return value
    try:
        field = meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.choices and value not in (None, ""):
        return getattr(item, f"get_{field.name}_display")()
    if isinstance(field, models.BooleanField) and value is not None:
        return _("Yes") if value else _("No")
    return value


class FormulaSafeIndexView(IndexView):
    """A Wagtail listing whose built-in CSV/XLSX export is safe and readable."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        return {path: readable(item, path, value) for path, value in row.items()}

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(super().preprocess_field_value(field, value, export_format))
