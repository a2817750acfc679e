from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExperienceCenterPage


class CenterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ExperienceCenterPage.Status.choices],
    )
    district = forms.ChoiceField(
        label=_("District or town"),
        required=False,
        choices=[("", _("Anywhere")), *ExperienceCenterPage.District.choices],
    )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class SelfCheckForm(forms.Form):
    """One yes/no field per question; the result is computed, never saved."""

    check = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[f"q{number}"] = forms.ChoiceField(
                label=f"{number}. {question['question']}",
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please answer this question.")},
            )

    def result(self):
        """The questions answered the risky way, with their advice, and a score."""
        to_fix = []
        for number, question in enumerate(self.questions, start=1):
            answer = self.cleaned_data[f"q{number}"]
            if answer != question["safe_answer"]:
                to_fix.append(
                    {
                        "number": number,
                        "question": question["question"],
                        "answer": answer,
                        "advice": question["advice"],
                    }
                )
        total = len(self.questions)
        return {"to_fix": to_fix, "safe": total - len(to_fix), "total": total}
