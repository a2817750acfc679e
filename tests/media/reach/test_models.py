import pytest
from django.core.exceptions import ValidationError

from media.reach.models import Place

from .factories import place

pytestmark = pytest.mark.django_db
K = Place.Kind


def test_places_go_district_town_community_or_a_venue_anywhere():
    city = place("江阴市", kind=K.CITY)
    district = place("梁溪区", kind=K.DISTRICT, parent=city)
    town = place("华士镇", kind=K.TOWN, parent=district)
    village = place("华西村", kind=K.COMMUNITY, parent=town)
    for venue_parent in (city, district, town, village):
        Place(name="美嘉城", kind=K.VENUE, parent=venue_parent).full_clean()
    place("澄江街道", kind=K.TOWN, parent=city).full_clean()  # a county-level city's town
    for kind, parent in [
        (K.COMMUNITY, city),
        (K.COMMUNITY, district),
        (K.TOWN, village),
        (K.DISTRICT, town),
        (K.CITY, city),
        (K.TOWN, None),
        (K.VENUE, Place.objects.create(name="消防教育馆", kind=K.VENUE, parent=town)),
    ]:
        with pytest.raises(ValidationError) as refused:
            Place(name="某地", kind=kind, parent=parent).full_clean()
        assert "parent" in refused.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_migration_turns_old_district_or_town_places_into_towns():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("reach", "0002_approval_revocation")])
    old = executor.loader.project_state([("reach", "0002_approval_revocation")]).apps
    OldPlace = old.get_model("reach", "Place")
    city = OldPlace.objects.create(name="某市", kind="city")
    OldPlace.objects.create(name="华士镇", kind="district", parent=city)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    town = Place.objects.get(name="华士镇")
    assert town.kind == K.TOWN
    town.full_clean()
