from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.validators import normalize_mainland_mobile, validate_mainland_mobile

from . import held
from .models import Category, Entry, Grade
from .uploads import document_to_text, normalise_text, sanitize_image


class EntryForm(forms.Form):
    """The public submission form. Uploads are sanitised here, in clean()."""

    submitted_by = forms.ChoiceField(
        label=_("Who is submitting?"),
        choices=Entry.SubmittedBy.choices,
        initial=Entry.SubmittedBy.GUARDIAN,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    age_group = forms.TypedChoiceField(label=_("Age group"), coerce=int)
    title = forms.CharField(label=_("Title of the work"), max_length=60)
    display_name = forms.CharField(
        label=_("Child's given name as it should be displayed"),
        max_length=20,
        # the guardian's browser would otherwise offer the guardian's own name
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Given name only, e.g. 小雨. It is shown with the work."),
    )
    school = forms.CharField(label=_("School"), max_length=60)
    grade = forms.TypedChoiceField(label=_("Grade"), choices=Grade.choices, coerce=int)
    drawing = forms.FileField(
        label=_("Drawing (photo or scan)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 8 MB. Location and camera data are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    essay_text = forms.CharField(
        label=_("Essay text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    essay_file = forms.FileField(
        label=_("…or upload the essay"),
        required=False,
        help_text=_("A .txt or .docx file; it is converted to plain text."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,text/plain"}),
    )
    guardian_name = forms.CharField(
        label=_("Guardian's name"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    guardian_phone = forms.CharField(
        label=_("Guardian's mobile phone"),
        max_length=20,
        validators=[validate_mainland_mobile],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("For the result and the withdrawal link only; never shown publicly."),
    )
    consent = forms.BooleanField(
        label=_(
            "I am the child's guardian (or the school has the guardian's written consent) "
            "and I agree to the notice above."
        ),
        required=True,
        error_messages={
            "required": _("Without the guardian's consent we cannot accept the entry.")
        },
    )

    notice_version = forms.IntegerField(
        label=_("Consent notice"), widget=forms.HiddenInput, min_value=1
    )
    # The signed token of a drawing kept from a failed try (see held.py).
    held_drawing = forms.CharField(required=False, widget=forms.HiddenInput, max_length=600)

    def __init__(self, *args, contest, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        self.notice = notice
        self.fields["notice_version"].initial = notice.version
        self.age_groups = {group.pk: group for group in contest.age_groups.all()}
        self.fields["age_group"].choices = [(pk, g.name) for pk, g in self.age_groups.items()]
        self.fields["category"].choices = contest.categories()
        self.fields["essay_text"].help_text = _("At most %(n)s characters.") % {
            "n": contest.essay_max_chars
        }
        self.drawing = None
        self.held_name = None

    def clean_notice_version(self):
        # The consent must be to the notice the guardian actually read.
        if self.cleaned_data["notice_version"] != self.notice.version:
            # Re-rendered with the current notice, so sending again consents to that one.
            self.data = self.data.copy()
            self.data["notice_version"] = self.notice.version
            raise forms.ValidationError(
                _("The notice has changed since the form was opened. Please read it again.")
            )
        return self.cleaned_data["notice_version"]

    def clean_guardian_phone(self):
        return normalize_mainland_mobile(self.cleaned_data["guardian_phone"])

    def clean_drawing(self):
        uploaded = self.cleaned_data.get("drawing")
        if uploaded:
            self.drawing = sanitize_image(uploaded)
            self.held_name = uploaded.name
        return uploaded

    def clean_held_drawing(self):
        token = self.cleaned_data.get("held_drawing", "")
        if token and self.drawing is None and "drawing" not in self.errors:
            restored = held.restore(token, self.contest)
            if restored is None:
                self.data = self.data.copy()
                self.data["held_drawing"] = ""
                raise forms.ValidationError(
                    _("The drawing kept from your last try has expired. Please choose it again.")
                )
            self.drawing, self.held_name = restored
            return token
        return ""

    def keep_drawing(self):
        """After a failed submit: hold a drawing that passed its checks, so that the form
        sent back carries it (the browser cannot re-select the file), and say so."""
        if self.drawing is None or self.cleaned_data.get("category") == Category.ESSAY:
            return
        token = self.cleaned_data.get("held_drawing") or held.hold(
            self.drawing, self.contest, self.held_name or ""
        )
        self.data = self.data.copy()
        self.data["held_drawing"] = token
        # The bound field copied the help text when the form was cleaned: set both.
        self.fields["drawing"].help_text = self["drawing"].help_text = _(
            "We have kept your drawing “%(name)s” for two hours; send the form again "
            "without choosing it. Choose a file only to replace it."
        ) % {"name": self.held_name or _("your picture")}

    def clean(self):
        data = super().clean()
        category = data.get("category")
        group = self.age_groups.get(data.get("age_group"))
        data["age_group"] = group
        if group and data.get("grade") and not group.includes_grade(data["grade"]):
            self.add_error("grade", _("This grade does not belong to the chosen age group."))
        if category == Category.DRAWING:
            if self.drawing is None and "drawing" not in self.errors:
                self.add_error("drawing", _("Upload the drawing."))
            data["essay_text"] = ""
        elif category == Category.ESSAY:
            self.drawing = None
            text = normalise_text(data.get("essay_text") or "")
            if data.get("essay_file") and not text:
                try:
                    text = document_to_text(data["essay_file"])
                except forms.ValidationError as error:
                    self.add_error("essay_file", error)
                    return data
            if not text:
                self.add_error("essay_text", _("Write or upload the essay."))
            elif len(text) > self.contest.essay_max_chars:
                self.add_error(
                    "essay_text",
                    _("The essay has %(len)s characters; the limit is %(n)s.")
                    % {"len": len(text), "n": self.contest.essay_max_chars},
                )
            data["essay_text"] = text
        return data


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, withdraw this entry and delete the work and our contact details."),
        required=True,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the guardian by SMS)"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DuplicateForm(forms.Form):
    duplicate_of = forms.IntegerField(
        label=_("Duplicate of entry number"), required=False, min_value=1
    )


def score_form_class(criteria):
    """A form with one 0–10 mark per criterion of the contest."""
    fields = {
        f"c{criterion.pk}": forms.IntegerField(
            label=f"{criterion.name} (×{criterion.weight}, 0–10)",
            help_text=criterion.description,
            min_value=0,
            max_value=10,
        )
        for criterion in criteria
    }
    fields["comment"] = forms.CharField(
        label=pgettext_lazy("judging", "Comment"), required=False, max_length=300
    )
    return type("ScoreForm", (forms.Form,), fields)


class AwardForm(forms.Form):
    award = forms.ChoiceField(label=_("Award"), choices=Entry.Award.choices, required=False)
