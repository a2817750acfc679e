import pytest
from django.core.cache import caches
from django.core.servers.basehttp import WSGIServer

# The live server listens with a backlog of 10; the concurrency tests open 30
# connections at once, as a real server's clients would, and must not be reset.
WSGIServer.request_queue_size = 128


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached fragments must not leak from one test into the next."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def home(db):
    """A published Chinese home page as the default site's root, with its English alias."""
    from tests.education.factories import make_site

    return make_site()


@pytest.fixture(scope="session", autouse=True)
def _drop_stray_connections_before_teardown(django_db_setup, django_db_blocker):
    """Let PostgreSQL drop the test database at the end of the run.

    Request threads of the live server (browser journeys) each hold a connection of
    their own, closed only when the browser's keep-alive socket closes, which can be
    after the last test. Ending those sessions first lets DROP DATABASE succeed.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()
