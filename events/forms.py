import secrets

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.validators import normalize_mainland_mobile, validate_mainland_mobile

from . import services
from .models import Arrival, Event, OrganizationType, SessionMessage


def _fill_label(message, field):
    return str(message).replace("%(field)s", str(field.label))


# One lazy class for every message, built once: ``lazy()`` makes a new class each time
# it is called, which cost a fifth of the booking view's time when done per field.
_lazy_fill_label = lazy(_fill_label, str)


def _plain(message, field):
    """``message`` with the field's label in it, translated when shown.

    Only ``%(field)s`` is filled here; Django fills the others (``%(limit_value)s``).
    The label is read when the message is shown, so a label changed after this call
    (an event's own wording) is the one named.
    """
    return _lazy_fill_label(message, field)


def use_plain_messages(form):
    """Say what to do, naming the field, instead of Django's "This field is required"."""
    for field in form.fields.values():
        messages = field.error_messages
        if isinstance(field, forms.ChoiceField):
            messages["required"] = _plain(_("Please choose: %(field)s."), field)
            messages["invalid_choice"] = _plain(_("Please choose %(field)s from the list."), field)
        elif not isinstance(field, forms.BooleanField):
            messages["required"] = _plain(_("Please fill in: %(field)s."), field)
        if isinstance(field, forms.IntegerField):
            messages["invalid"] = _plain(_("%(field)s: enter a whole number."), field)
            messages["min_value"] = _plain(_("%(field)s: at least %(limit_value)s."), field)
            messages["max_value"] = _plain(_("%(field)s: at most %(limit_value)s."), field)


# What a booking form whose hidden key was cut short or tampered with says.
FORM_EXPIRED = _("The form has expired; please submit it again.")


class PhoneField(forms.CharField):
    def to_python(self, value):
        return normalize_mainland_mobile(super().to_python(value))


class ContactFieldsMixin(forms.Form):
    contact_name = forms.CharField(
        label=_("Contact name"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = PhoneField(
        label=_("Mobile phone"),
        max_length=20,
        validators=[validate_mainland_mobile],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("We send the confirmation and reminders by SMS."),
    )
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    party_size = forms.IntegerField(
        label=_("Party size"),
        min_value=1,
        max_value=999,
        help_text=_("Everyone who comes, children and adults."),
    )
    adults = forms.IntegerField(
        label=_("Accompanying adults"), min_value=0, max_value=999, initial=0, required=False
    )
    group = forms.CharField(
        label=_("Grade or age group"),
        max_length=60,
        required=False,
        help_text=_("For example: Grade 3, or ages 8–10."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Access needs, anything we should know."),
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event is not None:
            self.fields["party_size"].widget.attrs.update(min=event.party_min, max=event.party_max)
            self.fields["group"].label = event.group_label()
            if event.kind == Event.Kind.FAMILY_VISIT:
                self.fields["group"].help_text = _("For example: 6 and 9.")
        use_plain_messages(self)

    def clean_adults(self):
        return self.cleaned_data.get("adults") or 0

    def clean_contact_name(self):
        return self.cleaned_data["contact_name"].strip()

    def clean(self):
        """Check the party against the event's rules here too, so every error shows at once."""
        cleaned = super().clean()
        size, adults = cleaned.get("party_size"), cleaned.get("adults") or 0
        if size is None or "adults" in self.errors:
            return cleaned
        if self.event is None:
            if adults > size:
                self.add_error("adults", _("Accompanying adults cannot outnumber the whole party."))
            return cleaned
        for field, message in services.party_problems(self.event, size, adults):
            self.add_error(field, message)
        return cleaned


class BookingForm(ContactFieldsMixin):
    organization = forms.CharField(
        label=_("Organization"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organization_type = forms.ChoiceField(
        label=_("Type of organization"), choices=OrganizationType.choices
    )
    address = forms.CharField(
        label=_("School address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        help_text=_("Where our speaker comes to."),
    )
    preferred_dates = forms.CharField(
        label=_("Preferred dates"),
        max_length=200,
        required=False,
        help_text=_("Two or three dates or weeks that suit the school; we confirm one."),
    )
    arrival = forms.ChoiceField(
        label=_("How the group arrives"),
        choices=[("", _("Not decided yet"))] + Arrival.choices,
        required=False,
    )
    join_waitlist = forms.BooleanField(
        label=_("If our party does not fit, put us on the waitlist"), required=False
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree that my contact details are used only to handle this booking and are "
            "deleted after the event"
        ),
        error_messages={"required": _("Please agree to the privacy notice to book.")},
    )
    # Hidden: the visitor sees its label only beside an error, in the form's error summary
    # (a key that was tampered with or cut short), and then all it can say is this.
    idempotency_key = forms.CharField(
        label=_("Booking form"),
        widget=forms.HiddenInput,
        max_length=64,
        min_length=16,
        required=False,
        error_messages={"min_length": FORM_EXPIRED, "max_length": FORM_EXPIRED},
    )

    field_order = [
        "organization",
        "organization_type",
        "contact_name",
        "phone",
        "email",
        "party_size",
        "adults",
        "group",
        "address",
        "preferred_dates",
        "arrival",
        "notes",
        "join_waitlist",
        "privacy_consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = secrets.token_urlsafe(24)
        self._fit_the_event_kind()

    def _fit_the_event_kind(self):
        """Each kind of event asks its own questions.

        A talk comes to the school: its address and the dates that suit, no journey. A
        visit comes to us: how the group arrives. A family books as itself; groups book
        as an organization.
        """
        kind = self.event.kind if self.event is not None else None
        if kind == Event.Kind.SCHOOL_TALK:
            del self.fields["arrival"]
            for name in ("address", "preferred_dates"):
                self.fields[name].required = True
            self.fields["notes"].help_text = _("The room, equipment, anything we should know.")
        else:
            del self.fields["address"], self.fields["preferred_dates"]
        if kind == Event.Kind.FAMILY_VISIT:
            del self.fields["arrival"]
        organization_type = self.fields["organization_type"]
        if self.event is not None and self.event.kind == Event.Kind.FAMILY_VISIT:
            organization = self.fields["organization"]
            organization.required = False
            organization.label = _("Organization (if any)")
            organization.help_text = _("A family leaves this empty.")
            organization_type.initial = OrganizationType.FAMILY
        else:
            organization_type.choices = [
                choice
                for choice in OrganizationType.choices
                if choice[0] != OrganizationType.FAMILY
            ]

    def clean_organization(self):
        return " ".join(self.cleaned_data["organization"].split())

    def clean_idempotency_key(self):
        key = self.cleaned_data.get("idempotency_key") or ""
        if key and not all(c.isalnum() or c in "-_" for c in key):
            raise forms.ValidationError(FORM_EXPIRED)
        return key


class ChangeBookingForm(ContactFieldsMixin):
    """What the booker may change through the manage link."""

    @classmethod
    def for_booking(cls, booking, data=None):
        initial = {field: getattr(booking, field) for field in services.CHANGEABLE_FIELDS}
        return cls(data, initial=initial, event=booking.session.event)


class CancelForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, cancel this booking"))


class CheckInForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=12,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
        help_text=_("Scan the QR code or type the reference, e.g. FB-7K3M9Q."),
    )
    attended_count = forms.IntegerField(label=_("People who came"), min_value=0, required=False)
    override_reason = forms.CharField(
        label=_("Reason for checking in on another day"),
        max_length=200,
        required=False,
        help_text=_("Only needed when the session is not today; kept with the booking."),
    )

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip().upper().replace(" ", "")
        if not value.startswith("FB-"):
            value = "FB-" + value
        return value


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the booker)"), max_length=300, widget=forms.Textarea
    )


class PartySizeForm(forms.Form):
    """Staff change a party's size, e.g. at the door when more came than were booked."""

    party_size = forms.IntegerField(label=_("Party size"), min_value=1, max_value=999)


class SessionMessageForm(forms.Form):
    """Staff's message to a session's bookers (events/broadcast.py)."""

    text = forms.CharField(
        label=_("Message"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent as it stands, after the booking's reference and date, in Chinese."),
    )
    audience = forms.ChoiceField(
        label=_("Recipients"),
        choices=SessionMessage.Audience.choices,
        initial=SessionMessage.Audience.HOLDING,
        widget=forms.RadioSelect,
    )
    key = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
