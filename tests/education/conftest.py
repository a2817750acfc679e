import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo content, loaded once for a module, searched through the real index.

    Loaded once in an outer transaction because loading it is slow; each test runs in
    a savepoint inside it, and the whole is rolled back after the module, leaving the
    database as the migrations made it for the tests that follow.
    """
    from education.demo import load
    from education.i18n import sync_translation_aliases
    from tests.education.factories import ensure_tree_roots

    with django_db_blocker.unblock(), transaction.atomic():
        ensure_tree_roots()
        home = load()
        sync_translation_aliases()
        call_command("update_index", verbosity=0)
        yield home
        transaction.set_rollback(True)
