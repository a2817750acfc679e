"""Spreadsheet safety for every CSV/XLSX export: a cell that starts like a formula
(= + - @, tab, carriage return) is exported as text, so ``=cmd|…`` typed by the public
never runs in a staff member's spreadsheet."""

from wagtail.admin.views.generic import IndexView

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class FormulaSafeIndexView(IndexView):
    """A Wagtail listing whose built-in CSV/XLSX export goes through ``safe_cell``."""

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(super().preprocess_field_value(field, value, export_format))
