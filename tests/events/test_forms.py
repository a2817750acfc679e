"""The booking form's own wording: plain messages naming the field, in both languages."""

import pytest
from django.utils import translation

from events import forms
from events.forms import BookingForm
from tests.events.factories import SessionFactory, form_data

pytestmark = pytest.mark.django_db


def test_building_a_form_makes_no_new_lazy_class(monkeypatch):
    """``lazy()`` builds a class per call; the messages reuse the one made at import."""

    def no_new_class(*args, **kwargs):
        raise AssertionError("lazy() called while building a form")

    monkeypatch.setattr(forms, "lazy", no_new_class)
    event = SessionFactory().event
    form = BookingForm(form_data(party_size="abc", contact_name=""), event=event)
    assert not form.is_valid()


@pytest.mark.parametrize(
    ("language", "required", "whole_number"),
    [
        ("zh-hans", "请填写联系人姓名。", "团体人数请填写整数。"),
        ("en", "Please fill in: Contact name.", "Party size: enter a whole number."),
    ],
)
def test_messages_name_the_field_in_the_language_shown(language, required, whole_number):
    event = SessionFactory().event
    form = BookingForm(form_data(party_size="abc", contact_name=""), event=event)
    with translation.override(language):
        assert not form.is_valid()
        assert form.errors["contact_name"] == [required]
        assert form.errors["party_size"] == [whole_number]


def test_a_label_changed_after_the_messages_is_the_one_named():
    """A family's organization field is relabelled after the messages are set."""
    event = SessionFactory(event__kind="family_visit").event
    form = BookingForm(event=event)
    message = form.fields["organization"].error_messages["required"]
    with translation.override("en"):
        assert str(message) == "Please fill in: Organization (if any)."


@pytest.mark.parametrize(
    ("language", "label", "expired"),
    [
        ("zh-hans", "预约表单", "表单已过期，请重新提交。"),
        ("en", "Booking form", "The form has expired; please submit it again."),
    ],
)
def test_a_cut_short_key_says_the_form_expired_under_a_translated_label(language, label, expired):
    event = SessionFactory().event
    form = BookingForm(form_data(idempotency_key="short"), event=event)
    with translation.override(language):
        assert not form.is_valid()
        assert str(form["idempotency_key"].label) == label
        assert form.errors["idempotency_key"] == [expired]
