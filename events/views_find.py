"""Find my booking: the public pages over events.find (reference and phone, then the code)."""

import re
import time
from datetime import timedelta

from django import forms
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import ratelimit
from core.clients import client_ip
from core.validators import validate_mainland_mobile

from . import find
from .forms import PhoneField, use_plain_messages
from .links import manage_path
from .models.booking import REFERENCE_ALPHABET, REFERENCE_LENGTH

SESSION_KEY = "events.find_booking"
LIMIT_WINDOW = 3600
# Per hour: requests for a code, and tries of a code, from one address and for one phone.
REQUESTS_PER_IP = 10
REQUESTS_PER_PHONE = 5
TRIES_PER_IP = 20
TRIES_PER_PHONE = 10
# A request for a code answers no sooner than this, whether a code went out or not, so
# that the answer's timing does not tell either.
ANSWER_FLOOR_SECONDS = 0.3
REFERENCE = re.compile(f"FB-[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}")


class FindBookingForm(forms.Form):
    reference = forms.CharField(
        label=_("Booking reference"),
        max_length=20,
        help_text=_("It starts with FB-, for example FB-7K2M9Q; it is in the SMS we sent you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone = PhoneField(
        label=_("Mobile phone"),
        max_length=20,
        validators=[validate_mainland_mobile],
        help_text=_("The number given when booking."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_plain_messages(self)

    def clean_reference(self):
        reference = re.sub(r"[\s\u3000]+", "", self.cleaned_data["reference"]).upper()
        if not reference.startswith("FB-"):
            reference = "FB-" + reference.removeprefix("FB")
        if not REFERENCE.fullmatch(reference):
            raise forms.ValidationError(
                _("Enter the reference as it is in our SMS: FB- and six letters or digits.")
            )
        return reference


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=20,
        help_text=_("Six digits."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_plain_messages(self)

    def clean_code(self):
        code = re.sub(r"[\s\u3000]+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("The code is six digits."))
        return code


def _limited(keys_and_limits):
    """Count one attempt under each key; the first refusing verdict, or None."""
    for key, limit in keys_and_limits:
        verdict = ratelimit.hit(key, limit, LIMIT_WINDOW)
        if not verdict.allowed:
            return verdict
    return None


def _refuse(request, template, context, form, verdict):
    retry_at = timezone.localtime(timezone.now() + timedelta(seconds=verdict.retry_after))
    form.add_error(
        None,
        _("Too many tries in a short time. Please try again after %(time)s, or call us.")
        % {"time": formats.date_format(retry_at, "H:i")},
    )
    response = render(request, template, {**context, "form": form}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _private(response):
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def find_booking(request):
    if request.method != "POST":
        return _private(render(request, "events/find.html", {"form": FindBookingForm()}))
    form = FindBookingForm(request.POST)
    if not form.is_valid():
        return _private(render(request, "events/find.html", {"form": form}, status=400))
    reference, phone = form.cleaned_data["reference"], form.cleaned_data["phone"]
    digest = find.phone_digest(phone)
    verdict = _limited(
        [
            (f"find:ip:{client_ip(request)}", REQUESTS_PER_IP),
            (f"find:phone:{digest}", REQUESTS_PER_PHONE),
        ]
    )
    if verdict is not None:
        return _private(_refuse(request, "events/find.html", {}, form, verdict))
    started = time.monotonic()
    find.request_code(reference, phone)
    request.session[SESSION_KEY] = {"reference": reference, "phone": digest}
    time.sleep(max(0.0, ANSWER_FLOOR_SECONDS - (time.monotonic() - started)))
    return redirect("events:find_code")


@never_cache
@require_http_methods(["GET", "POST"])
def find_code(request):
    asked = request.session.get(SESSION_KEY)
    if not isinstance(asked, dict) or not {"reference", "phone"} <= asked.keys():
        return redirect("events:find")
    context = {"reference": asked["reference"]}
    if request.method != "POST":
        return _private(render(request, "events/find_code.html", {**context, "form": CodeForm()}))
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _private(
            render(request, "events/find_code.html", {**context, "form": form}, status=400)
        )
    verdict = _limited(
        [
            (f"find-code:ip:{client_ip(request)}", TRIES_PER_IP),
            (f"find-code:phone:{asked['phone']}", TRIES_PER_PHONE),
        ]
    )
    if verdict is not None:
        return _private(_refuse(request, "events/find_code.html", context, form, verdict))
    booking = find.redeem_code(asked["reference"], asked["phone"], form.cleaned_data["code"])
    if booking is None:
        form.add_error(
            "code",
            _(
                "This code does not open a booking: it is wrong, has expired, was used "
                "already, or was tried too often. Check the SMS, or ask for a new code."
            ),
        )
        return _private(
            render(request, "events/find_code.html", {**context, "form": form}, status=400)
        )
    del request.session[SESSION_KEY]
    request.session.cycle_key()
    return redirect(manage_path(booking))
