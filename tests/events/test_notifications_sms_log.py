"""No live secret in the log: the log SMS backend masks, production must choose it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from core.outbox import OutboxMessage, sending
from core.sms import LogSMSBackend, mask
from events.links import manage_token
from tests.events.factories import BookingFactory


def logged(caplog):
    return " ".join(r.getMessage() for r in caplog.records if r.name == "firebreak.sms")


@pytest.mark.django_db
def test_a_booking_sms_in_the_log_has_no_working_link_or_number(caplog):
    booking = BookingFactory(phone="13812345678")
    notification = OutboxMessage.objects.create(source_id=booking.pk, kind="confirmed")
    caplog.set_level("INFO", logger="firebreak.sms")
    assert sending.deliver(notification.pk) is True
    text = logged(caplog)
    assert booking.reference in text  # still useful to read
    assert "/booking/manage/" in text
    assert manage_token(booking) not in text
    assert manage_token(booking)[:8] not in text
    assert "13812345678" not in text and "138****5678" in text


def test_withdrawal_links_codes_and_numbers_are_masked_inside_any_text(caplog):
    caplog.set_level("INFO", logger="firebreak.sms")
    token = "Zr8_k2-QpL0xYw3NvT6bH1sJ9dFcA4eG"
    LogSMSBackend().send(
        "13912345678",
        f"撤回链接 https://fire.example.cn/contest/withdraw/{token}/ 验证码 482913，"
        "联系 13700001111",
        idempotency_id="notification-9.sms@fire.example.cn",
    )
    text = logged(caplog)
    for secret in (token, token[:8], "482913", "13912345678", "13700001111"):
        assert secret not in text
    assert "notification-9.sms@fire.example.cn" in text
    assert mask("预约 FB-JXYJ52 12-10 09:30 http://127.0.0.1:8000/") == (
        "预约 FB-JXYJ52 12-10 09:30 http://127.0.0.1:8000/"
    )
    # A reference with four digits in a row is a reference, not a code; a code right
    # after Chinese text is still a code.
    assert mask("预约 FB-E6634B 已确认") == "预约 FB-E6634B 已确认"
    assert mask("预约 FB-1234AB、FB-AB1234") == "预约 FB-1234AB、FB-AB1234"
    assert mask("验证码482913，五分钟内有效") == "验证码******，五分钟内有效"


def production_check(**env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SMS_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 24 + "-a-long-random-production-secret-key-value",
        ALLOWED_HOSTS="fire.example.cn",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_refuses_to_start_unless_the_sms_backend_is_chosen():
    refused = production_check()
    assert refused.returncode != 0
    assert "SMS_BACKEND" in refused.stderr
    chosen = production_check(SMS_BACKEND="core.sms.LogSMSBackend")
    assert chosen.returncode == 0, chosen.stderr
    assert "started" in chosen.stdout
