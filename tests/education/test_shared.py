import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from education.ratelimit import allow, client_ip
from education.validators import normalize_mainland_mobile, validate_mainland_mobile


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


def test_rate_limit_allows_up_to_the_limit_then_refuses():
    assert [allow("test:key", 3, 60) for _ in range(5)] == [True, True, True, False, False]
    assert allow("test:other", 3, 60)


def test_client_ip_trusts_only_the_proxys_hop():
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7", REMOTE_ADDR="127.0.0.1"
    )
    assert client_ip(request) == "10.0.0.7"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.9")) == "127.0.0.9"
