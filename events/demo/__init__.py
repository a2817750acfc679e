"""The events app's demo content (events.toml beside this module): events, their sessions
dated from today, and bookings made through the booking services. Idempotent: an event
that exists is left as it is, except that its empty English twins are filled."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core import demo

from .. import services
from ..models import Booking, Event, Session
from ..permissions import ensure_booking_staff_group

EVENTS = demo.read(__file__, "events")["events"]
S = Booking.Status


def _at(day, hh_mm):
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(hh_mm)))


def _sessions(event, specs):
    for spec in specs:
        anchor = demo.when(spec.get("after", 0))
        days = demo.weekdays_after(anchor, spec["weekdays"], spec.get("weeks", 1))
        for number, (day, (start, end)) in enumerate(
            ((day, times) for day in days for times in spec["times"]), start=1
        ):
            Session.objects.create(
                event=event,
                starts_at=_at(day, start),
                ends_at=_at(day, end),
                venue=spec["venue"],
                venue_en=spec["venue_en"],
                capacity=spec["capacity"],
                note=spec.get("note", "").format(n=number),
            )
    return list(event.sessions.order_by("starts_at"))


def _book(session, data):
    """The booking as the booker made it (within the booking window), then as staff
    moved it on to the status the data gives."""
    data = {key: value for key, value in data.items() if key != "session"}
    wanted, reason, attended = data.pop("status"), data.pop("reason", ""), data.pop("attended", 0)
    made = max(
        min(timezone.now(), session.starts_at - timedelta(days=7)),
        session.starts_at - timedelta(days=session.event.opens_days_before - 1),
    )
    booking, _created = services.create_booking(session.pk, data=data, now=made)
    if wanted == S.CONFIRMED and booking.status == S.PENDING:
        booking = services.approve_booking(booking.pk, now=made)
    elif wanted == S.CANCELLED:
        services.cancel_booking(booking.pk, by_staff=True, reason=reason, now=made)
    elif wanted == S.REJECTED:
        booking = services.reject_booking(booking.pk, reason, now=made)
    elif wanted == S.ATTENDED:
        booking = services.check_in(booking.pk, attended, now=session.starts_at)
    elif wanted == S.NO_SHOW:
        booking = services.mark_no_show(booking.pk, now=session.starts_at)
    booking.refresh_from_db()
    if booking.status != wanted:
        raise ValueError(f"demo booking {data['organization']}: {booking.status}, not {wanted}")


def fill_english():
    """Set the empty English twins of the demo's events and venues; how many rows."""
    changed = 0
    for data in EVENTS:
        for event in Event.objects.filter(title=data["title"]):
            empty = [field for field in ("title_en", "summary_en") if not getattr(event, field)]
            for field in empty:
                setattr(event, field, data[field])
            event.save(update_fields=empty)
            changed += bool(empty)
        for spec in data["sessions"]:
            rows = Session.objects.filter(venue=spec["venue"], venue_en="")
            changed += rows.update(venue_en=spec["venue_en"])
    return changed


def load(stdout=None):
    ensure_booking_staff_group()
    created = 0
    for data in EVENTS:
        if Event.objects.filter(title=data["title"]).exists():
            continue
        fields = {k: v for k, v in data.items() if k not in ("sessions", "bookings")}
        fields, _related = demo.model_fields(Event, fields)
        event = Event.objects.create(**fields)
        sessions = _sessions(event, data["sessions"])
        for booking in data.get("bookings", []):
            _book(sessions[booking["session"]], booking)
        created += len(sessions)
    fill_english()
    if stdout is not None:
        stdout.write(f"Booking: {created} new sessions")
