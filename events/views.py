"""Public booking pages: thin views over events.selectors and events.services."""

import calendar
import functools
import io
from datetime import date, datetime, time, timedelta

import segno
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import freshness, ratelimit
from core.clients import client_ip
from education.geography import site_for_request

from . import booking_flow, selectors, services
from .forms import BookingForm, CancelForm, ChangeBookingForm
from .ics import booking_calendar
from .links import manage_path, token_matches
from .models import Booking, Event


def _private(response):
    """The manage pages: never cached, never indexed, the address never sent to others.

    "same-origin" rather than "no-referrer": with no referrer at all browsers send
    ``Origin: null`` on the page's own forms, which CSRF protection rightly refuses.
    """
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _kind_filter(request):
    kind = request.GET.get("kind", "")
    return kind if kind in Event.Kind.values else ""


@require_GET
@freshness.showing("content", "sessions")  # places left: a live part per session
def session_list(request):
    kind = _kind_filter(request)
    sessions = selectors.sessions_listing(kind=kind, site=site_for_request(request))
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    now = timezone.now()
    for session in page.object_list:
        session.state = selectors.availability(session, now)
    return render(
        request,
        "events/session_list.html",
        {"sessions": page, "kind": kind, "kinds": Event.Kind.choices, "view": "list"},
    )


def _month(request):
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


# The calendar's column headings, Monday first, as a Chinese calendar prints them (一 … 日).
CALENDAR_WEEKDAYS = (
    pgettext_lazy("calendar column, short", "Mon"),
    pgettext_lazy("calendar column, short", "Tue"),
    pgettext_lazy("calendar column, short", "Wed"),
    pgettext_lazy("calendar column, short", "Thu"),
    pgettext_lazy("calendar column, short", "Fri"),
    pgettext_lazy("calendar column, short", "Sat"),
    pgettext_lazy("calendar column, short", "Sun"),
)


@require_GET
def session_calendar(request):
    kind = _kind_filter(request)
    first = _month(request)
    days_in_month = calendar.monthrange(first.year, first.month)[1]
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), tz)
    end = start + timedelta(days=days_in_month)
    now = timezone.now()
    sessions = selectors.sessions_listing(
        now=now, kind=kind, site=site_for_request(request)
    ).filter(starts_at__gte=start, starts_at__lt=end)
    by_day = {}
    for session in sessions:
        session.state = selectors.availability(session, now)
        by_day.setdefault(timezone.localdate(session.starts_at), []).append(session)
    # Weeks run Monday to Sunday; the days of the neighbouring months fill the first and
    # last week so that each date sits under its weekday.
    weeks = [
        [
            {"date": day, "in_month": day.month == first.month, "sessions": by_day.get(day, [])}
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
            first.year, first.month
        )
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=days_in_month)).replace(day=1)
    return render(
        request,
        "events/session_calendar.html",
        {
            "weeks": weeks,
            "weekdays": CALENDAR_WEEKDAYS,
            "month": first,
            "previous": previous,
            "following": following,
            "kind": kind,
            "kinds": Event.Kind.choices,
            "view": "calendar",
            "has_sessions": bool(by_day),
        },
    )


def _bookable_session(request, pk):
    """An upcoming session of the request's site, else 404."""
    session = selectors.sessions_listing(site=site_for_request(request)).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


BOOKING_LIMIT_WINDOW = 3600


def _booking_limit(request, phone=None):
    """Count one attempt that reaches the booking service, per address and per phone.

    Returns the refusing verdict, or None when the attempt may go ahead.
    """
    limits = [(f"booking:ip:{client_ip(request)}", settings.BOOKING_RATE_LIMIT_PER_IP)]
    if phone:
        limits.append((f"booking:phone:{phone}", settings.BOOKING_RATE_LIMIT_PER_PHONE))
    for key, limit in limits:
        verdict = ratelimit.hit(key, limit, BOOKING_LIMIT_WINDOW)
        if not verdict.allowed:
            return verdict
    return None


class _Limited(Exception):
    """A new booking refused by a rate limit (``verdict``: when to try again)."""

    def __init__(self, verdict):
        super().__init__(verdict)
        self.verdict = verdict


def _admit(request, phone):
    """The booking service's ``admit``: count a new submission against the limits."""
    verdict = _booking_limit(request, phone)
    if verdict is not None:
        raise _Limited(verdict)


def _too_many(form, verdict):
    """Keep what the person typed; say when they may try again."""
    retry_at = timezone.localtime(timezone.now() + timedelta(seconds=verdict.retry_after))
    form.add_error(
        None,
        _(
            "We received many booking requests from you or for this mobile number in a short "
            "time. Please try again after %(time)s, or call us and we will book for you."
        )
        % {"time": formats.date_format(retry_at, "H:i")},
    )


def _with_retry_after(response, verdict):
    if verdict is not None and response.status_code == 429:
        response["Retry-After"] = str(verdict.retry_after)
    return response


def _idempotency_conflict(request, session, error):
    context = {"session": session, "message": error.message}
    return render(request, "events/form_conflict.html", context, status=409)


@require_http_methods(["GET", "POST"])
def book(request, pk):
    session = _bookable_session(request, pk)
    event = session.event
    status = 200
    limited = None
    full = None
    if request.method == "POST":
        form = BookingForm(request.POST, event=event)
        if form.is_valid() and booking_flow.wants_review(request, session, form.cleaned_data):
            return booking_flow.review(request, session, form)
        if form.is_valid():
            data = form.cleaned_data
            key = data["idempotency_key"] or None
            try:
                # A double click or a retry of a form that already booked gets its
                # booking without counting against any limit: the service admits
                # only a new submission.
                booking, _created = services.create_booking(
                    session.pk,
                    data=data,
                    idempotency_key=key,
                    join_waitlist=data["join_waitlist"],
                    session=session,
                    admit=functools.partial(_admit, request, data["phone"]),
                )
            except _Limited as refusal:
                limited = refusal.verdict
            except services.IdempotencyConflict as error:
                return _idempotency_conflict(request, session, error)
            except services.SessionFull as error:
                full = error
                status = 409
            except services.BookingError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                return redirect(manage_path(booking, "events:done"))
            if limited is not None:
                _too_many(form, limited)
                status = 429
        else:
            status = 400
    else:
        form = BookingForm(event=event)
    response = _book_page(request, session, form, status=status, full=full)
    return _with_retry_after(response, limited)


def _book_page(request, session, form, *, status=200, full=None):
    """The booking form, with what a party that did not fit can do instead (``full``)."""
    context = {
        "session": session,
        "event": session.event,
        "form": form,
        "state": selectors.availability(session),
        "places_left": selectors.places_left(session),
        "opens_at": selectors.booking_opens_at(session),
        "full": full,
        "offers": booking_flow.offers(session, full) if full else None,
    }
    return render(request, "events/book.html", context, status=status)


@require_POST
def book_edit(request, pk):
    """Back from the check-your-answers page to the form, with everything as typed."""
    session = _bookable_session(request, pk)
    return _book_page(request, session, BookingForm(request.POST, event=session.event))


def _booking_for_link(reference, token):
    booking = Booking.objects.select_related("session__event").filter(reference=reference).first()
    if booking is None or not token_matches(booking, token):
        raise Http404
    return booking


def _manage_context(booking, **extra):
    session = booking.session
    now = timezone.now()
    return {
        "booking": booking,
        "session": session,
        "event": session.event,
        "manage_url": manage_path(booking),
        "token": extra.pop("token"),
        "can_change": selectors.booker_may_change(booking, now),
        "can_cancel": selectors.booker_may_cancel(booking, now),
        **selectors.deadlines(session),
        **extra,
    }


@never_cache
@require_GET
def done(request, reference, token):
    booking = _booking_for_link(reference, token)
    context = _manage_context(
        booking, token=token, waitlist_position=selectors.waitlist_position(booking)
    )
    return _private(render(request, "events/done.html", context))


@never_cache
@require_GET
def manage(request, reference, token):
    booking = _booking_for_link(reference, token)
    context = _manage_context(
        booking,
        token=token,
        change_form=ChangeBookingForm.for_booking(booking),
        cancel_form=CancelForm(),
        message=request.GET.get("done") in {"changed", "cancelled"} and request.GET["done"],
    )
    return _private(render(request, "events/manage.html", context))


@never_cache
@require_POST
def manage_change(request, reference, token):
    booking = _booking_for_link(reference, token)
    form = ChangeBookingForm(request.POST, event=booking.session.event)
    status = 400
    limited = None
    if form.is_valid():
        limited = _booking_limit(request)
        try:
            if limited is None:
                services.change_booking(booking.pk, form.cleaned_data)
        except services.BookingError as error:
            form.add_error(None, error.message)
            status = 409 if isinstance(error, services.SessionFull) else 400
        else:
            if limited is None:
                return redirect(manage_path(booking) + "?done=changed")
            _too_many(form, limited)
            status = 429
    context = _manage_context(booking, token=token, change_form=form, cancel_form=CancelForm())
    return _with_retry_after(
        _private(render(request, "events/manage.html", context, status=status)), limited
    )


@never_cache
@require_POST
def manage_cancel(request, reference, token):
    booking = _booking_for_link(reference, token)
    form = CancelForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.cancel_booking(booking.pk)
        except services.BookingError as error:
            form.add_error(None, error.message)
        else:
            return redirect(manage_path(booking) + "?done=cancelled")
    context = _manage_context(
        booking, token=token, change_form=ChangeBookingForm.for_booking(booking), cancel_form=form
    )
    return _private(render(request, "events/manage.html", context, status=status))


@require_GET
def manage_ics(request, reference, token):
    booking = _booking_for_link(reference, token)
    body = booking_calendar(booking, request.build_absolute_uri(manage_path(booking)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return _private(response)


@require_GET
def manage_print(request, reference, token):
    booking = _booking_for_link(reference, token)
    context = _manage_context(booking, token=token)
    return _private(render(request, "events/print.html", context))


@require_GET
def manage_qr(request, reference, token):
    booking = _booking_for_link(reference, token)
    svg = io.BytesIO()
    # A standalone image needs the SVG namespace, which segno's inline form leaves out.
    segno.make(booking.reference, error="m").save(svg, kind="svg", scale=6, border=2, xmldecl=False)
    return _private(HttpResponse(svg.getvalue(), content_type="image/svg+xml"))
