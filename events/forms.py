import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from education.validators import normalize_mainland_mobile, validate_mainland_mobile

from .models import OrganizationType


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
        help_text=_("Access needs, arrival by bus, anything we should know."),
    )

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event is not None:
            self.fields["party_size"].widget.attrs.update(min=event.party_min, max=event.party_max)

    def clean_adults(self):
        return self.cleaned_data.get("adults") or 0

    def clean_contact_name(self):
        return self.cleaned_data["contact_name"].strip()

    def clean(self):
        cleaned = super().clean()
        size, adults = cleaned.get("party_size"), cleaned.get("adults") or 0
        if size is not None and adults > size:
            self.add_error("adults", _("Accompanying adults cannot outnumber the whole party."))
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
    join_waitlist = forms.BooleanField(
        label=_("If the session is full, put us on the waitlist"), required=False, initial=True
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree that my contact details are used only to handle this booking and are "
            "deleted after the event"
        ),
        error_messages={"required": _("Please agree to the privacy notice to book.")},
    )
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=64, min_length=16, required=False
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
        "notes",
        "join_waitlist",
        "privacy_consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = secrets.token_urlsafe(24)

    def clean_organization(self):
        return " ".join(self.cleaned_data["organization"].split())

    def clean_idempotency_key(self):
        key = self.cleaned_data.get("idempotency_key") or ""
        if key and not all(c.isalnum() or c in "-_" for c in key):
            raise forms.ValidationError(_("The form has expired; please submit it again."))
        return key


class ChangeBookingForm(ContactFieldsMixin):
    """What the booker may change through the manage link."""

    @classmethod
    def for_booking(cls, booking, data=None):
        initial = {
            field: getattr(booking, field)
            for field in (
                "contact_name",
                "phone",
                "email",
                "party_size",
                "adults",
                "group",
                "notes",
            )
        }
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
