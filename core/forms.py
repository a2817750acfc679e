from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .personal_data import Subject


class SubjectForm(forms.Form):
    subject = forms.CharField(
        label=_("Mobile phone or email"),
        max_length=254,
        help_text=_(
            "Everything the site holds about it is listed: bookings, messages, "
            "contest entries as a guardian."
        ),
    )

    def clean_subject(self):
        subject = Subject.parse(self.cleaned_data["subject"])
        if subject is None:
            raise forms.ValidationError(
                _("Enter a mainland mobile number (11 digits) or an email address.")
            )
        return subject


class EraseForm(SubjectForm):
    reason = forms.CharField(
        label=pgettext_lazy("personal data", "Reason"),
        max_length=300,
        help_text=_("Kept in the audit trail, e.g. the date and channel of the person's request."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that erased contact data cannot be brought back."),
    )
