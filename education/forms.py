from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExperienceCenterPage, Place


class CenterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ExperienceCenterPage.Status.choices],
    )
    district = forms.ModelChoiceField(
        label=_("District or town"),
        required=False,
        queryset=Place.objects.none(),
        empty_label=_("Anywhere"),
    )

    def __init__(self, *args, districts, **kwargs):
        """``districts``: the site's districts and towns (``geography.districts_of``)."""
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["district"].label_from_instance = lambda place: place.display_name


YES_NO = [("yes", _("Yes")), ("no", _("No"))]
NOT_APPLICABLE = "na"


class SelfCheckForm(forms.Form):
    """One yes/no field per question (and "does not apply" where the question has it);
    the result is computed, never saved."""

    check = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")

    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = list(YES_NO)
            if question.get("not_applicable"):
                choices.append((NOT_APPLICABLE, question["not_applicable"]))
            self.fields[f"q{number}"] = forms.ChoiceField(
                label=f"{number}. {question['question']}",
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please answer this question."),
                    "invalid_choice": _("Please choose one of the answers."),
                },
            )

    def result(self):
        """Every answer with its verdict, the risky ones with their advice and guide, and a
        score over the questions that apply to this household."""
        answers, to_fix = [], []
        for number, question in enumerate(self.questions, start=1):
            field = self.fields[f"q{number}"]
            answer = self.cleaned_data[f"q{number}"]
            if answer == NOT_APPLICABLE:
                verdict = "not_applicable"
            else:
                verdict = "safe" if answer == question["safe_answer"] else "to_fix"
            guide = question.get("guide")
            item = {
                "number": number,
                "question": question["question"],
                "answer": answer,
                "answer_label": dict(field.choices)[answer],
                "verdict": verdict,
                "advice": question["advice"],
                "guide": guide.localized if guide is not None and guide.live else None,
            }
            answers.append(item)
            if verdict == "to_fix":
                to_fix.append(item)
        applicable = sum(item["verdict"] != "not_applicable" for item in answers)
        return {
            "answers": answers,
            "to_fix": to_fix,
            "safe": applicable - len(to_fix),
            "total": applicable,
            "not_applicable": len(answers) - applicable,
        }
