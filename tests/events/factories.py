from datetime import timedelta

import factory
from django.utils import timezone

from core.outbox import OutboxMessage
from events import selectors, services
from events.messages import ABOUT_BOOKING
from events.models import Booking, Event, OrganizationType, Session


class EventFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"消防夏令营第{n}期")
    kind = Event.Kind.CAMP_BATCH
    audience = Event.Audience.SCHOOLS
    party_min = 1
    party_max = 60
    lead_time_hours = 24
    cancel_hours = 24
    opens_days_before = 60

    class Meta:
        model = Event


class SessionFactory(factory.django.DjangoModelFactory):
    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    venue = "江阴市消防教育馆"
    capacity = 60

    class Meta:
        model = Session


class BookingFactory(factory.django.DjangoModelFactory):
    session = factory.SubFactory(SessionFactory)
    status = Booking.Status.CONFIRMED
    organization = factory.Sequence(lambda n: f"江阴市实验小学{n}分校")
    organization_type = OrganizationType.SCHOOL
    contact_name = "王老师"
    phone = "13812345678"
    email = "teacher@example.cn"
    party_size = 10
    privacy_consent_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Booking

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Written past the services: bring the session's counter of places in line.
        booking = super()._create(model_class, *args, **kwargs)
        services.recount(booking.session_id)
        booking.session.refresh_from_db(fields=["taken"])
        return booking


def booking_data(**overrides):
    """The cleaned data the public form hands to services.create_booking."""
    return {
        "organization": "江阴市实验小学",
        "organization_type": OrganizationType.SCHOOL,
        "contact_name": "王老师",
        "phone": "13812345678",
        "email": "teacher@example.cn",
        "party_size": 10,
        "adults": 0,
        "group": "三年级",
        "notes": "",
        **overrides,
    }


def form_data(**overrides):
    """A valid POST of the public booking form."""
    data = {
        "organization": "江阴市实验小学",
        "organization_type": "school",
        "contact_name": "王老师",
        "phone": "138 1234 5678",
        "email": "teacher@example.cn",
        "party_size": "10",
        "adults": "1",
        "group": "三年级",
        "notes": "乘大巴前来",
        "join_waitlist": "on",
        "privacy_consent": "on",
        "idempotency_key": "k" * 32,
        # The check-your-answers page's button: the POST that makes the booking.
        "confirm": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def book(session, **overrides):
    """A booking through the service, as the form makes it; waits if it does not fit."""
    key = overrides.pop("key", None)
    waitlist = overrides.pop("join_waitlist", True)
    return services.create_booking(
        session.pk, data=booking_data(**overrides), idempotency_key=key, join_waitlist=waitlist
    )[0]


def left(session):
    """Places left as stored now, once the counter is checked against the bookings."""
    session.refresh_from_db()
    assert session.taken == selectors.places_taken(session.pk)
    return selectors.places_left(session)


def messages_of(*bookings):
    """The outbox rows about these bookings."""
    return OutboxMessage.objects.about(ABOUT_BOOKING, [booking.pk for booking in bookings])


def messages_of_session(session):
    return OutboxMessage.objects.about(
        ABOUT_BOOKING, Booking.objects.filter(session=session).values("pk")
    )
