import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mainland_mobile(value):
    """Strip spaces, dashes and a +86/0086 prefix: '+86 138-0000-0000' → '13800000000'."""
    digits = re.sub(r"[\s\-()]", "", str(value or ""))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def validate_mainland_mobile(value):
    if not MAINLAND_MOBILE.fullmatch(normalize_mainland_mobile(value)):
        raise ValidationError(
            _("Enter a mainland China mobile number of 11 digits, e.g. 13812345678."),
            code="invalid_mobile",
        )
