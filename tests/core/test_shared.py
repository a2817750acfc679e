import pytest
from django.core.exceptions import ValidationError

from core.validators import normalize_mainland_mobile, validate_mainland_mobile


@pytest.mark.parametrize("raw", ["13812345678", "+86 138-1234-5678", "0086 13812345678"])
def test_mainland_mobile_accepts_common_spellings(raw):
    validate_mainland_mobile(raw)
    assert normalize_mainland_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12812345678",
        "1381234567",
        "138123456789",
        "0510-86860119",
        "１３８１２３４５６７８",
        "13812345678<script>",
    ],
)
def test_mainland_mobile_refuses_others(raw):
    with pytest.raises(ValidationError) as caught:
        validate_mainland_mobile(raw)
    assert caught.value.code == "invalid_mobile"
