"""A session's screens for booking staff: the roster for the people at the door (on
screen, printed, or as a CSV/XLSX file), and a message to all its bookers.

The file goes through Wagtail's spreadsheet export with the admin's one export rule
(``core.exports``: formula-safe cells, labels, Shanghai time); the message goes
through the outbox (``events.broadcast``).
"""

import uuid

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from core.admin_screens import AdminScreen
from core.exports import readable, safe_cell

from . import broadcast, selectors
from .admin_views import BOOKINGS
from .forms import SessionMessageForm
from .models import Session


class RosterView(SpreadsheetExportMixin, AdminScreen):
    permission_policy = BOOKINGS
    permission_required = "view"
    page_title = _("Roster")
    header_icon = "group"
    list_export = [
        "reference",
        "status",
        "organization",
        "organization_type",
        "contact_name",
        "phone",
        "party_size",
        "adults",
        "group",
        "notes",
        "attended_count",
    ]
    export_headings = {"attended_count": _("People who came")}

    def get_template_names(self):
        printing = self.request.GET.get("print") == "1"
        return ["events/admin/roster_print.html" if printing else "events/admin/roster.html"]

    def get(self, request, pk):
        self.session = get_object_or_404(
            Session.objects.select_related("event").with_places_taken(), pk=pk
        )
        bookings = selectors.roster(self.session)
        if self.is_export:
            return self.as_spreadsheet(bookings, request.GET["export"])
        return self.render(
            session=self.session,
            bookings=bookings,
            places_left=selectors.places_left(self.session),
            # A party's size counts its accompanying adults too.
            people=sum(b.party_size for b in bookings if b.holds_places),
            adults=sum(b.adults for b in bookings if b.holds_places),
        )

    def get_filename(self):
        start = readable(self.session, "starts_at", self.session.starts_at)
        return f"roster-{self.session.pk}-{start:%Y%m%d-%H%M}"

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        return {path: readable(item, path, value) for path, value in row.items()}

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(super().preprocess_field_value(field, value, export_format))


class MessageBookersView(AdminScreen):
    """Write a message, see exactly what goes to whom, then send it through the outbox."""

    permission_policy = BOOKINGS
    permission_required = "manage"
    template_name = "events/admin/message_bookers.html"
    page_title = _("Message this session's bookers")
    header_icon = "mail"

    @cached_property
    def session(self):
        return get_object_or_404(Session.objects.select_related("event"), pk=self.kwargs["pk"])

    @cached_property
    def roster_url(self):
        return reverse("events_admin:roster", args=[self.session.pk])

    def get(self, request, *args, **kwargs):
        return self.render_form(SessionMessageForm(initial={"key": uuid.uuid4().hex}))

    def post(self, request, *args, **kwargs):
        form = SessionMessageForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        data = form.cleaned_data
        if request.POST.get("action") != "send":
            preview = broadcast.preview(self.session, data["text"], data["audience"])
            return self.render_form(form, preview=preview)
        try:
            record, created = broadcast.send(
                self.session,
                text=data["text"],
                audience=data["audience"],
                key=data["key"],
                by=request.user,
            )
        except broadcast.BroadcastError as error:
            form.add_error("text", error.message)
            return self.render_form(form)
        if created:
            messages.success(
                request,
                ngettext(
                    "The message goes to %(n)s booking.",
                    "The message goes to %(n)s bookings.",
                    record.recipients,
                )
                % {"n": record.recipients},
            )
        else:
            messages.warning(request, _("This message was already sent; nothing was sent twice."))
        return redirect(self.roster_url)

    def render_form(self, form, preview=None):
        return self.render(
            400 if form.errors else 200,
            session=self.session,
            form=form,
            preview=preview,
            sent=self.session.messages.select_related("sent_by")[:10],
            roster_url=self.roster_url,
        )
