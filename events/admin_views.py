"""Staff screens in the Wagtail admin beyond the viewsets: a booking's actions, check-in
at the door, and retrying failed messages to bookers. Each view
calls a service; the rules live there."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_required
from wagtail.admin.utils import get_valid_next_url_from_request

from core import outbox
from core.outbox import OutboxMessage

from . import services
from .forms import CheckInForm, PartySizeForm, RejectForm
from .messages import with_bookings
from .models import Booking

MANAGE = "events.manage_booking"
VIEW_NOTIFICATION = "core.view_outboxmessage"


def _actions_url(booking):
    return reverse("events_admin:booking_actions", args=[booking.pk])


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def booking_actions(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("session__event"), pk=pk)
    reject_form = RejectForm()
    cancel_form = RejectForm(prefix="cancel")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.approve_booking(booking.pk)
                messages.success(request, _("Booking approved; the booker is told."))
            elif action == "reject":
                reject_form = RejectForm(request.POST)
                if not reject_form.is_valid():
                    raise services.BookingError(_("Give the booker a reason."))
                services.reject_booking(booking.pk, reject_form.cleaned_data["reason"])
                messages.success(request, _("Booking rejected; the reason is sent to the booker."))
            elif action == "party_size":
                size_form = PartySizeForm(request.POST)
                if not size_form.is_valid():
                    raise services.BookingError(_("Enter the party size."))
                services.change_booking(booking.pk, size_form.cleaned_data, by_staff=True)
                messages.success(request, _("Party size changed; the booker is told."))
            elif action == "no_show":
                services.mark_no_show(booking.pk)
                messages.success(request, _("Marked as no-show."))
            elif action == "cancel":
                cancel_form = RejectForm(request.POST, prefix="cancel")
                if not cancel_form.is_valid():
                    raise services.BookingError(_("Give the booker a reason."))
                promoted = services.cancel_booking(
                    booking.pk, by_staff=True, reason=cancel_form.cleaned_data["reason"]
                )
                moved_in = (
                    ngettext(
                        "%(n)s waiting party moved in and is told.",
                        "%(n)s waiting parties moved in and are told.",
                        len(promoted),
                    )
                    % {"n": len(promoted)}
                    if promoted
                    else _("No waiting party moved in.")
                )
                messages.success(
                    request,
                    _("Booking cancelled; the reason is sent to the booker.") + " " + moved_in,
                )
            else:
                raise services.BookingError(_("Unknown action."))
        except services.BookingError as error:
            messages.error(request, error.message)
            status = 400
        else:
            return redirect(_actions_url(booking))
    return render(
        request,
        "events/admin/booking_actions.html",
        {
            "booking": booking,
            "session": booking.session,
            "reject_form": reject_form,
            "cancel_form": cancel_form,
            "size_form": PartySizeForm(initial={"party_size": booking.party_size}),
            "checkin_form": CheckInForm(
                initial={"reference": booking.reference, "attended_count": booking.party_size}
            ),
            "page_title": booking.reference,
            "header_icon": "calendar-check",
        },
        status=status,
    )


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def check_in(request):
    """At the door: scan or type the reference, then record the people who came."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = CheckInForm(data)
    booking = None
    status = 200
    if data is not None and form.is_valid():
        booking = (
            Booking.objects.select_related("session__event")
            .filter(reference=form.cleaned_data["reference"])
            .first()
        )
        if booking is None:
            form.add_error("reference", _("No booking has this reference."))
            status = 404
        elif request.method == "POST":
            count = form.cleaned_data.get("attended_count")
            try:
                services.check_in(
                    booking.pk,
                    booking.party_size if count is None else count,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except services.BookingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = 400
            else:
                messages.success(
                    request,
                    _("%(ref)s checked in: %(n)s people.")
                    % {
                        "ref": booking.reference,
                        "n": booking.party_size if count is None else count,
                    },
                )
                return redirect("events_admin:check_in")
    elif data is not None:
        status = 400
    if booking and not form.errors:
        count = booking.attended_count if booking.attended_count is not None else None
        form = CheckInForm(
            initial={
                "reference": booking.reference,
                "attended_count": booking.party_size if count is None else count,
            }
        )
    session_today = booking is not None and (
        timezone.localdate(booking.session.starts_at) == timezone.localdate()
    )
    return render(
        request,
        "events/admin/check_in.html",
        {
            "form": form,
            "booking": booking,
            "session_today": session_today,
            "page_title": _("Check-in"),
            "header_icon": "calendar-check",
        },
        status=status,
    )


@permission_required(VIEW_NOTIFICATION)
@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def retry_notifications(request, pk=None):
    """Ask, then send again one failed message (``pk``) or every failed one.

    The outbox does the sending (``outbox.retry``); a message that is not
    failed, or no longer, is left alone.
    """
    notification = None
    visible = OutboxMessage.objects.visible_to(request.user)
    failed = visible.failed()
    if pk is not None:
        notification = with_bookings([get_object_or_404(visible.with_status(), pk=pk)])[0]
        failed = failed.filter(pk=pk)
    index_url = reverse("events_notification:index")
    if request.method == "POST":
        retried = outbox.retry(list(failed.values_list("pk", flat=True)))
        if retried:
            messages.success(
                request,
                ngettext(
                    "%(n)s message will be sent again.",
                    "%(n)s messages will be sent again.",
                    retried,
                )
                % {"n": retried},
            )
        else:
            messages.warning(request, _("Nothing to retry: no failed message is left."))
        return redirect(get_valid_next_url_from_request(request) or index_url)
    return render(
        request,
        "events/admin/notification_retry.html",
        {
            "notification": notification,
            "count": failed.count(),
            "index_url": index_url,
            "next": get_valid_next_url_from_request(request),
            "page_title": _("Retry sending"),
            "header_icon": "rotate",
        },
    )
