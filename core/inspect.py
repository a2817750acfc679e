"""The admin's read-only detail screens ("inspect"), as staff expect to read them."""

from datetime import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from wagtail.admin.views.generic import InspectView


class LocalInspectView(InspectView):
    """Wagtail's inspect view, with times in the site's time zone and blanks left blank.

    Out of the box it prints a stored time as it is stored (UTC): a booking made at
    11:55 in Jiangyin read as 03:55, and an empty field read "None".
    """

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime):
            return date_format(localtime(value), "Y-m-d H:i:s")
        return "" if value is None else value
