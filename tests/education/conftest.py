import pytest
from django.core.management import call_command


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo content, loaded once for a module, searched through the real index.

    Committed (not rolled back per test) because loading it is slow; the module's
    tests only read it. The database is flushed afterwards, as a transactional test
    would, and the next tests re-create the tree roots they need.
    """
    from education.demo import load
    from education.i18n import sync_translation_aliases
    from tests.education.factories import ensure_tree_roots

    with django_db_blocker.unblock():
        ensure_tree_roots()
        home = load()
        sync_translation_aliases()
        call_command("update_index", verbosity=0)
        yield home
        call_command("flush", interactive=False, verbosity=0)
