"""A session's screens for booking staff: the roster for the people at the door (on
screen, printed, or as a CSV/XLSX file), and a message to all its bookers.

The file goes through Wagtail's spreadsheet export with the admin's one export rule
(``core.exports``: formula-safe cells, labels, Shanghai time); the message goes
through the outbox (``events.broadcast``).
"""

import uuid

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from wagtail.admin.auth import permission_required
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from core.exports import readable, safe_cell

from . import broadcast, selectors
from .admin_views import MANAGE
from .forms import SessionMessageForm
from .models import Session

ROSTER_PERMISSION = "events.view_booking"


class RosterView(SpreadsheetExportMixin, View):
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

    def get(self, request, pk):
        session = get_object_or_404(
            Session.objects.select_related("event").with_places_taken(), pk=pk
        )
        bookings = selectors.roster(session)
        if self.is_export:
            self.session = session
            return self.as_spreadsheet(bookings, request.GET["export"])
        printing = request.GET.get("print") == "1"
        return render(
            request,
            "events/admin/roster_print.html" if printing else "events/admin/roster.html",
            {
                "session": session,
                "bookings": bookings,
                "places_left": selectors.places_left(session),
                # A party's size counts its accompanying adults too.
                "people": sum(b.party_size for b in bookings if b.holds_places),
                "adults": sum(b.adults for b in bookings if b.holds_places),
                "page_title": _("Roster"),
                "header_icon": "group",
            },
        )

    def get_filename(self):
        start = readable(self.session, "starts_at", self.session.starts_at)
        return f"roster-{self.session.pk}-{start:%Y%m%d-%H%M}"

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        return {path: readable(item, path, value) for path, value in row.items()}

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(super().preprocess_field_value(field, value, export_format))


roster = permission_required(ROSTER_PERMISSION)(RosterView.as_view())


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def message_bookers(request, pk):
    """Write a message, see exactly what goes to whom, then send it through the outbox."""
    session = get_object_or_404(Session.objects.select_related("event"), pk=pk)
    roster_url = reverse("events_admin:roster", args=[session.pk])
    status = 200
    preview = None
    if request.method == "POST":
        form = SessionMessageForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if request.POST.get("action") == "send":
                try:
                    record, created = broadcast.send(
                        session,
                        text=data["text"],
                        audience=data["audience"],
                        key=data["key"],
                        by=request.user,
                    )
                except broadcast.BroadcastError as error:
                    form.add_error("text", error.message)
                else:
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
                        messages.warning(
                            request, _("This message was already sent; nothing was sent twice.")
                        )
                    return redirect(roster_url)
            else:
                preview = broadcast.preview(session, data["text"], data["audience"])
        if form.errors:
            status = 400
    else:
        form = SessionMessageForm(initial={"key": uuid.uuid4().hex})
    return render(
        request,
        "events/admin/message_bookers.html",
        {
            "session": session,
            "form": form,
            "preview": preview,
            "sent": session.messages.select_related("sent_by")[:10],
            "roster_url": roster_url,
            "page_title": _("Message this session's bookers"),
            "header_icon": "mail",
        },
        status=status,
    )
