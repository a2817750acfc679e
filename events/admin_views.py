"""Staff screens in the Wagtail admin beyond the viewsets: a booking's actions, check-in
at the door, and retrying failed messages to bookers. Each view
calls a service; the rules live there.

Retrying needs two permissions of two models (the outbox's and the bookings'), so it
stays a function view under both of Wagtail's ``permission_required`` until the outbox
has its own policy."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_required
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.permission_policies import ModelPermissionPolicy

from core import outbox
from core.admin_screens import AdminScreen
from core.outbox import OutboxMessage

from . import selectors, services
from .forms import CheckInForm, PartySizeForm, RejectForm
from .messages import with_bookings
from .models import Booking

MANAGE = "events.manage_booking"
VIEW_NOTIFICATION = "core.view_outboxmessage"


BOOKINGS = ModelPermissionPolicy(Booking)


class BookingActionsView(AdminScreen):
    """A booking's state changes, each through its service: approve, reject, party size,
    no-show, cancel."""

    permission_policy = BOOKINGS
    permission_required = "manage"
    template_name = "events/admin/booking_actions.html"
    header_icon = "calendar-check"

    @cached_property
    def booking(self):
        return get_object_or_404(
            Booking.objects.select_related("session__event"), pk=self.kwargs["pk"]
        )

    def get_page_title(self):
        return self.booking.reference

    def get(self, request, *args, **kwargs):
        return self.render_actions()

    def render_actions(self, status=200, **forms):
        booking = self.booking
        forms.setdefault("reject_form", RejectForm())
        forms.setdefault("cancel_form", RejectForm(prefix="cancel"))
        return self.render(
            status,
            booking=booking,
            session=booking.session,
            size_form=PartySizeForm(initial={"party_size": booking.party_size}),
            checkin_form=CheckInForm(
                initial={"reference": booking.reference, "attended_count": booking.party_size}
            ),
            **forms,
        )

    def post(self, request, *args, **kwargs):
        action = self.ACTIONS.get(request.POST.get("action"))
        forms = {}
        try:
            if action is None:
                raise services.BookingError(_("Unknown action."))
            messages.success(request, action(self, forms))
        except services.BookingError as error:
            messages.error(request, error.message)
            return self.render_actions(status=400, **forms)
        return redirect("events_admin:booking_actions", self.booking.pk)

    def approve(self, forms):
        services.approve_booking(self.booking.pk)
        return _("Booking approved; the booker is told.")

    def reject(self, forms):
        form = forms["reject_form"] = RejectForm(self.request.POST)
        if not form.is_valid():
            raise services.BookingError(_("Give the booker a reason."))
        services.reject_booking(self.booking.pk, form.cleaned_data["reason"])
        return _("Booking rejected; the reason is sent to the booker.")

    def party_size(self, forms):
        form = PartySizeForm(self.request.POST)
        if not form.is_valid():
            raise services.BookingError(_("Enter the party size."))
        services.change_booking(self.booking.pk, form.cleaned_data, by_staff=True)
        return _("Party size changed; the booker is told.")

    def no_show(self, forms):
        services.mark_no_show(self.booking.pk)
        return _("Marked as no-show.")

    def cancel(self, forms):
        form = forms["cancel_form"] = RejectForm(self.request.POST, prefix="cancel")
        if not form.is_valid():
            raise services.BookingError(_("Give the booker a reason."))
        promoted = services.cancel_booking(
            self.booking.pk, by_staff=True, reason=form.cleaned_data["reason"]
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
        return _("Booking cancelled; the reason is sent to the booker.") + " " + moved_in

    ACTIONS = {
        "approve": approve,
        "reject": reject,
        "party_size": party_size,
        "no_show": no_show,
        "cancel": cancel,
    }


class CheckInView(AdminScreen):
    """At the door: scan or type the reference, then record the people who came."""

    permission_policy = BOOKINGS
    permission_required = "manage"
    template_name = "events/admin/check_in.html"
    page_title = gettext_lazy("Check-in")
    header_icon = "calendar-check"

    def get(self, request, *args, **kwargs):
        return self.check_in(request.GET or None)

    def post(self, request, *args, **kwargs):
        return self.check_in(request.POST)

    def check_in(self, data):
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
            elif self.request.method == "POST":
                count = form.cleaned_data.get("attended_count")
                count = booking.party_size if count is None else count
                try:
                    services.check_in(
                        booking.pk,
                        count,
                        override_reason=form.cleaned_data.get("override_reason", ""),
                    )
                except services.BookingError as error:
                    field = error.field if error.field in form.fields else None
                    form.add_error(field, error.message)
                    status = 400
                else:
                    messages.success(
                        self.request,
                        _("%(ref)s checked in: %(n)s people.")
                        % {"ref": booking.reference, "n": count},
                    )
                    return redirect("events_admin:check_in")
        elif data is not None:
            status = 400
        if booking and not form.errors:
            count = booking.attended_count
            form = CheckInForm(
                initial={
                    "reference": booking.reference,
                    "attended_count": booking.party_size if count is None else count,
                }
            )
        return self.render(
            status,
            form=form,
            booking=booking,
            session_today=booking is not None and selectors.is_session_day(booking.session),
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
