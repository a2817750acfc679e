import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached fragments must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    """A published Chinese home page as the default site's root, with its English alias."""
    from tests.education.factories import make_site

    return make_site()
