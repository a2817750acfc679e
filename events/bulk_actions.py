"""Bulk actions on the bookings and sessions listings, through Wagtail's own mechanism
(the checkboxes, the footer, a confirmation screen at /admin/bulk/events/<model>/<action>/).

Each ticked row goes through the same service as the single-row action, so every rule
still runs; a row a rule refuses is left as it was and named in a warning, the others
go ahead. Wagtail runs the whole action in one transaction, each service call in its own
savepoint inside it; rows are taken in session order, so two bulk actions lock sessions
in the same order and cannot deadlock.

Only the rows ticked on the page are acted on, never "everything in the listing": that
would have to re-run the listing's filters and search exactly, and a near miss could
cancel bookings nobody saw.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.views.bulk_action import BulkAction

from . import services
from .models import Booking, Session


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the booker)"), max_length=300, widget=forms.Textarea
    )


class ServiceBulkAction(BulkAction):
    """Calls ``apply(obj)`` (a service) for each ticked row the user may act on."""

    template_name = "events/admin/bulk_confirm.html"
    permission = None  # as on the single-row screens
    question = None  # shown on the confirmation screen
    done_message = None  # ngettext_lazy(…, "n")

    def dispatch(self, request, *args, **kwargs):
        # The permission is per model, as on the single-row screens: checked once here.
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [pk for pk in object_ids if str(pk).isdigit()]
        return list(model.objects.filter(pk__in=ids).order_by(*cls.lock_order))

    def get_all_objects_in_listing_query(self, parent_id):
        return self.model.objects.none()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "question": self.question,
            "action_name": self.display_name,
            "header_icon": self.header_icon,
        }

    def reason(self):
        return self.cleaned_form.cleaned_data.get("reason", "")

    def get_execution_context(self):
        return {"action": self}

    @classmethod
    def execute_action(cls, objects, action=None, **kwargs):
        done = 0
        for obj in objects:
            try:
                action.apply(obj)
            except services.BookingError as error:
                messages.warning(action.request, f"{obj}: {error.message}")
            else:
                done += 1
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return self.done_message % {"n": num_parent_objects}


class BookingBulkAction(ServiceBulkAction):
    models = [Booking]
    permission = "events.manage_booking"
    lock_order = ("session_id", "pk")
    header_icon = "group"


class ApproveBookings(BookingBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve the selected bookings")
    question = _("Approve these bookings? Only those awaiting approval can be; bookers are told.")
    done_message = ngettext_lazy("%(n)s booking approved.", "%(n)s bookings approved.", "n")
    action_priority = 10

    def apply(self, booking):
        services.approve_booking(booking.pk)


class RejectBookings(BookingBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject the selected bookings with a reason")
    question = _("Reject these bookings? The reason is sent to each booker.")
    done_message = ngettext_lazy("%(n)s booking rejected.", "%(n)s bookings rejected.", "n")
    form_class = ReasonForm
    action_priority = 20

    def apply(self, booking):
        services.reject_booking(booking.pk, self.reason())


class MarkNoShow(BookingBulkAction):
    display_name = _("Mark as no-show")
    action_type = "no_show"
    aria_label = _("Mark the selected bookings as no-show")
    question = _("Mark these parties as no-show? Only confirmed ones whose session has started.")
    done_message = ngettext_lazy(
        "%(n)s booking marked as no-show.", "%(n)s bookings marked as no-show.", "n"
    )
    action_priority = 30

    def apply(self, booking):
        services.mark_no_show(booking.pk)


class CancelBookings(BookingBulkAction):
    display_name = _("Cancel")
    action_type = "cancel"
    aria_label = _("Cancel the selected bookings with a reason")
    question = _(
        "Cancel these bookings? The reason is sent to each booker, and waiting parties "
        "that fit move in."
    )
    done_message = ngettext_lazy("%(n)s booking cancelled.", "%(n)s bookings cancelled.", "n")
    form_class = ReasonForm
    classes = {"serious"}
    action_priority = 40

    def apply(self, booking):
        services.cancel_booking(booking.pk, by_staff=True, reason=self.reason())


class SessionBulkAction(ServiceBulkAction):
    models = [Session]
    permission = "events.change_session"
    lock_order = ("pk",)
    header_icon = "time"


class CloseSessions(SessionBulkAction):
    display_name = _("Close for booking")
    action_type = "close"
    aria_label = _("Close the selected sessions for booking")
    question = _("Close these sessions for booking? Bookings already made stay as they are.")
    done_message = ngettext_lazy(
        "%(n)s session closed for booking.", "%(n)s sessions closed for booking.", "n"
    )
    action_priority = 10

    def apply(self, session):
        services.update_session(session.pk, {"status": Session.Status.CLOSED})


class CancelSessions(SessionBulkAction):
    display_name = _("Cancel")
    action_type = "cancel"
    aria_label = _("Cancel the selected sessions and their bookings")
    question = _(
        "Cancel these sessions? Every active booking in them is cancelled and the reason "
        "is sent to each booker."
    )
    done_message = ngettext_lazy("%(n)s session cancelled.", "%(n)s sessions cancelled.", "n")
    form_class = ReasonForm
    classes = {"serious"}
    action_priority = 20

    def apply(self, session):
        services.update_session(
            session.pk, {"status": Session.Status.CANCELLED}, reason=self.reason()
        )


BULK_ACTIONS = (
    ApproveBookings,
    RejectBookings,
    MarkNoShow,
    CancelBookings,
    CloseSessions,
    CancelSessions,
)
