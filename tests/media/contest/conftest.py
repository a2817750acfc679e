import pytest


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """Each test's private originals in its own folder."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture
def contest(home):
    from tests.media.contest.factories import make_contest

    return make_contest(home)


@pytest.fixture
def notice(db):
    from tests.media.contest.factories import make_notice

    return make_notice()


class Phone:
    """A gateway that keeps what it delivers, links unmasked, as a guardian's phone does."""

    received = []

    def send(self, phone, message, *, idempotency_id):
        Phone.received.append(message)


@pytest.fixture
def phone(settings):
    settings.SMS_BACKEND = f"{__name__}.Phone"
    Phone.received = []
    return Phone.received
