"""The public booking form's steps around the service: check your answers, and what to
offer a party that does not fit.

Nothing here decides whether a party fits or may wait: ``selectors.party_fits`` and
``services.create_booking`` do. This module only reports their answers to the visitor.
"""

from django.shortcuts import render

from . import selectors

# The review page's "Confirm and book" button: only a POST carrying it makes a booking.
CONFIRM = "confirm"
# Fields the review page carries on but does not list as answers to check.
NOT_ANSWERS = {"join_waitlist", "privacy_consent"}


def wants_review(request, session, data):
    """A valid form is shown back for checking unless this POST is the confirmation.

    A party that neither fits nor waits skips the review: the service's answer, with
    its numbers and the alternatives, comes at once.
    """
    if CONFIRM in request.POST:
        return False
    size = data["party_size"]
    return selectors.party_fits(session, size) or (
        data["join_waitlist"] and selectors.may_wait(session, size)
    )


def review(request, session, form, *, status=200):
    """Check your answers: the cleaned data, each with a way back to change it.

    The form's own fields travel on as hidden inputs (the idempotency key among them),
    so confirming posts exactly what was checked; no JavaScript is needed.
    """
    data = form.cleaned_data
    fits = selectors.party_fits(session, data["party_size"])
    answers = []
    for field in form.visible_fields():
        if field.name in NOT_ANSWERS:
            continue
        value = data.get(field.name)
        choices = getattr(field.field, "choices", None)
        answers.append((field, dict(choices).get(value, value) if choices else value))
    context = {
        "session": session,
        "event": session.event,
        "form": form,
        "data": data,
        "answers": answers,
        "fits": fits,
        "places_left": selectors.places_left(session),
        "confirm": CONFIRM,
    }
    return render(request, "events/book_review.html", context, status=status)


def offers(session, full):
    """What a party that did not fit can do instead, from the ``SessionFull`` it met.

    A smaller party (when the places left still make a party the event takes), other
    sessions of the same event where the whole party fits, or the waitlist.
    """
    event = session.event
    smaller = full.left if full.left and full.left >= event.party_min else None
    return {
        "left": full.left,
        "party_size": full.party_size,
        "smaller": smaller,
        "sessions": [
            {"session": other, "left": selectors.places_left(other)}
            for other in selectors.sessions_with_room(session, full.party_size)
        ],
        "may_wait": full.may_wait,
    }
