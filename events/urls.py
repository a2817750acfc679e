from django.urls import path, register_converter

from . import views, views_find


class ReferenceConverter:
    regex = "FB-[2-9A-HJKMNP-Z]{6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class TokenConverter:
    regex = "[0-9a-f]{40}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "ref")
register_converter(TokenConverter, "token")

app_name = "events"
manage = "booking/manage/<ref:reference>/<token:token>/"
urlpatterns = [
    path("booking/", views.session_list, name="sessions"),
    path("booking/calendar/", views.session_calendar, name="calendar"),
    path("booking/session/<int:pk>/", views.book, name="book"),
    path("booking/session/<int:pk>/edit/", views.book_edit, name="book_edit"),
    path("booking/find/", views_find.find_booking, name="find"),
    path("booking/find/code/", views_find.find_code, name="find_code"),
    path(manage, views.manage, name="manage"),
    path(manage + "done/", views.done, name="done"),
    path(manage + "change/", views.manage_change, name="change"),
    path(manage + "cancel/", views.manage_cancel, name="cancel"),
    path(manage + "booking.ics", views.manage_ics, name="ics"),
    path(manage + "print/", views.manage_print, name="print"),
    path(manage + "qr.svg", views.manage_qr, name="qr"),
]
