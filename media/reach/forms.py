"""Admin forms: quick day entry, import upload, dashboard filters, revoking an approval."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Locale

from .imports import _parse_count
from .models import CampaignPage, Channel, Metric, Place, Tally
from .models.tally import PeriodKind
from .services.write import derived_metric_codes


def campaigns():
    return CampaignPage.objects.filter(locale=Locale.get_default()).order_by("-start_date")


class CountField(forms.CharField):
    """A count typed as 120, 120+ (at least) or 约120 (approximate)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        count, qualifier = _parse_count(value.strip())
        if count is None:
            if value.strip().startswith("-"):
                raise forms.ValidationError(_("A count cannot be negative."))
            raise forms.ValidationError(_("Enter a whole number, e.g. 120, 120+ or 约120."))
        return count, qualifier or Tally.Qualifier.EXACT


class QuickEntryForm(forms.Form):
    """One day's figures for one place: a field per channel of every entered metric."""

    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.all())
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns()
        self.channels = list(
            Channel.objects.select_related("metric").exclude(
                metric__code__in=derived_metric_codes()
            )
        )
        for channel in self.channels:
            self.fields[f"c{channel.pk}"] = CountField(
                label=channel.name,
                required=False,
                help_text=channel.metric.get_unit_display(),
                widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
            )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate() or day < datetime.date(2000, 1, 1):
            raise forms.ValidationError(_("Enter a day between 2000-01-01 and today."))
        return day

    def clean(self):
        cleaned = super().clean()
        campaign, day = cleaned.get("campaign"), cleaned.get("day")
        if campaign and day and not campaign.runs_on(day):
            self.add_error("day", _("This day is outside the campaign's dates."))
        if not any(cleaned.get(f"c{c.pk}") for c in self.channels):
            raise forms.ValidationError(_("Enter at least one figure."))
        return cleaned

    def figures(self):
        for channel in self.channels:
            value = self.cleaned_data.get(f"c{channel.pk}")
            if value:
                yield channel, value[0], value[1]

    def metric_groups(self):
        """Bound count fields grouped by metric, for the template."""
        groups = {}
        for channel in self.channels:
            groups.setdefault(channel.metric, []).append(self[f"c{channel.pk}"])
        return list(groups.items())


class KeptEntryFields(forms.Form):
    """Day, place and campaign carried over from the last save (hostile values ignored)."""

    day = forms.DateField(required=False)
    place = forms.ModelChoiceField(queryset=Place.objects.all(), required=False)
    campaign = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("At most 5 MB. Use the template's columns."),
    )


class CampaignPeriodForm(forms.Form):
    """A campaign and a date range: the filters every reach report starts from."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=None, required=False)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns()


class DashboardFilterForm(CampaignPeriodForm):
    field_order = ["campaign", "metric", "channel", "place", "source", "start", "end"]
    metric = forms.ModelChoiceField(
        label=_("Metric"), queryset=Metric.objects.all(), required=False
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.select_related("metric"),
        required=False,
    )
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.all(), required=False)
    # The model field's choices carry Django's empty label, the one the other filters show.
    source = forms.ChoiceField(
        label=_("Source"), choices=Tally._meta.get_field("source").get_choices, required=False
    )
    bucket = forms.ChoiceField(
        label=_("Time series by"), choices=PeriodKind.choices, required=False
    )
    approved = forms.BooleanField(label=_("Approved figures only"), required=False)

    def filters(self):
        """The valid filters; an invalid value (e.g. ?metric=abc) is ignored, not a 500."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "campaign": data.get("campaign"),
            "metric": data.get("metric"),
            "channel": data.get("channel"),
            "place": data.get("place"),
            "source": data.get("source") or None,
            "start": data.get("start"),
            "end": data.get("end"),
            "public": bool(data.get("approved")),
        }


class RevokeApprovalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the approval revoked?"),
        max_length=300,
        help_text=_("Kept with the approval, e.g. “the leaflet figures of August were wrong”."),
    )
