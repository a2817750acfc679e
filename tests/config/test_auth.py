import logging
import time

import pytest

from core import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", password="right-password-123", is_staff=True, is_superuser=True
    )


def login(client, password):
    return client.post(
        "/admin/login/", {"username": "editor", "password": password}, REMOTE_ADDR="127.0.0.5"
    )


def test_admin_login_locks_after_repeated_failures(client, editor, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert login(client, "wrong").status_code == 200
    # Locked: even the right password is refused now.
    response = login(client, "right-password-123")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_successful_login_before_the_limit_resets_the_count(client, editor, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    login(client, "wrong")
    login(client, "wrong")
    assert login(client, "right-password-123").status_code == 302
    client.logout()
    login(client, "wrong")
    login(client, "wrong")
    assert login(client, "right-password-123").status_code == 302


def test_a_locked_out_admin_is_told_so_and_for_how_long(client, editor, settings, caplog):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 900
    first = login(client, "wrong").content.decode()
    assert "不匹配" in first or "didn't match" in first
    assert "锁定" not in first
    login(client, "wrong")
    with caplog.at_level(logging.WARNING, logger="config.auth"):
        third = login(client, "wrong").content.decode()
    assert "登录已被锁定，还需 15 分钟" in third
    assert "client address 127.0.0.5" in caplog.text
    with_right_password = login(client, "right-password-123").content.decode()
    assert "登录已被锁定" in with_right_password
    assert "_auth_user_id" not in client.session


def test_the_lockout_still_holds_after_five_minutes(client, editor, settings, monkeypatch):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 900
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    for _ in range(3):
        login(client, "wrong")
    now[0] += 6 * 60
    assert "还需 9 分钟" in login(client, "right-password-123").content.decode()
    assert "_auth_user_id" not in client.session
    now[0] += 9 * 60
    assert login(client, "right-password-123").status_code == 302


@pytest.mark.parametrize("hops", [0, 1])
def test_the_lockout_cannot_be_bypassed_by_claiming_another_address(
    client, django_user_model, settings, hops
):
    """Guessing several accounts from one address: a spoofed header changes nothing."""
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_HOPS = hops
    for name in ("alice", "bob", "carol"):
        django_user_model.objects.create_user(name, password="right-password-123", is_staff=True)
    proxy_saw = "203.0.113.50"
    for i, name in enumerate(("alice", "bob", "carol")):
        client.post(
            "/admin/login/",
            {"username": name, "password": "wrong"},
            REMOTE_ADDR="127.0.0.5" if hops == 0 else "127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}" if hops == 0 else f"9.9.9.{i}, {proxy_saw}",
        )
    response = client.post(
        "/admin/login/",
        {"username": "alice", "password": "right-password-123"},
        REMOTE_ADDR="127.0.0.5" if hops == 0 else "127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99" if hops == 0 else f"192.0.2.99, {proxy_saw}",
    )
    assert "登录已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_when_the_cache_is_down_logins_still_work(client, editor, settings, monkeypatch):
    class Down:
        def __getattr__(self, name):
            raise ConnectionError("cache unreachable")

    monkeypatch.setattr(ratelimit, "_cache", Down)
    assert login(client, "wrong").status_code == 200
    assert login(client, "right-password-123").status_code == 302
