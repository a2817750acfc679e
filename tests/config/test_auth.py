import pytest

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
