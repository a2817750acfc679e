import pytest
from django.core.cache import caches
from django.core.servers.basehttp import WSGIServer

# The live server listens with a backlog of 10; the concurrency tests open 30
# connections at once, as a real server's clients would, and must not be reset.
WSGIServer.request_queue_size = 128


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the site's first language. A request under /en/
    through the test client leaves English active in the test's thread, and every later
    reverse() there (a browser test's URLs, made in the same thread) would follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached fragments must not leak from one test into the next, nor
    the copies of cached pages and generations a web process keeps beside the cache."""
    from config import pagecache

    for cache in caches.all():
        cache.clear()
    pagecache.forget()
    yield
    for cache in caches.all():
        cache.clear()
    pagecache.forget()


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


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The endpoint of an S3-compatible server started for this test run (tests/s3server.py)."""
    from tests import s3server

    process, endpoint = s3server.start(tmp_path_factory.mktemp("s3") / "server.log")
    yield endpoint
    s3server.stop(process)


@pytest.fixture
def s3_storages(s3_server, settings):
    """Both storages on two new buckets of the test S3 server, configured as production
    is: from the S3_* variables. Returns those variables."""
    from core.storage import storage_settings
    from tests import s3server

    env = s3server.environment(s3_server)
    settings.STORAGES = storage_settings(env, static=settings.STORAGES["staticfiles"])
    return env
