"""A person's rights over their data (PIPL): find, export and erase it, with an audit.

Each app that keeps personal data registers a *source* in its ``ready()`` (bookings in
``events``, guardians in the contest); this module knows none of them. A source finds
what it holds for a mobile number or an email address and erases it through its own
service — the same function its retention job uses, so "erase" means one thing.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .models import PersonalDataAction

PHONE = re.compile(r"^1[3-9]\d{9}$")


@dataclass
class Holding:
    """One record that holds the person's data, as staff and the person see it."""

    source: str
    pk: int
    title: str
    fields: dict = field(default_factory=dict)  # label -> value, in reading order
    erasable: bool = True
    why_not: str = ""  # why it cannot be erased yet (e.g. the session is still ahead)


class Source:
    """Override ``key``, ``label``, ``find`` and ``erase``."""

    key = ""
    label = ""

    def find(self, *, phone="", email=""):
        raise NotImplementedError

    def erase(self, pks, *, now=None):
        """Erase the person's data from these rows; returns how many were erased."""
        raise NotImplementedError


_sources = {}


def register(source):
    _sources[source.key] = source
    return source


def sources():
    return list(_sources.values())


@dataclass
class Subject:
    phone: str = ""
    email: str = ""

    @classmethod
    def parse(cls, text):
        """A mobile number (spaces, dashes and +86 allowed) or an email; None if neither."""
        text = (text or "").strip()
        digits = re.sub(r"[\s-]", "", text)
        digits = digits.removeprefix("+86").removeprefix("0086")
        if PHONE.match(digits):
            return cls(phone=digits)
        try:
            validate_email(text)
        except ValidationError:
            return None
        return cls(email=text.lower())

    @property
    def value(self):
        return self.phone or self.email

    def digest(self):
        key = settings.SECRET_KEY.encode()
        return hmac.new(key, self.value.encode(), hashlib.sha256).hexdigest()

    def hint(self):
        if self.phone:
            return f"{self.phone[:3]}****{self.phone[-4:]}"
        name, _, domain = self.email.partition("@")
        return f"{name[:1]}***@{domain}"


def lookup(subject):
    """Every holding of every source, by source key."""
    return {
        source.key: source.find(phone=subject.phone, email=subject.email) for source in sources()
    }


def _record(action, subject, user, found, reason=""):
    return PersonalDataAction.objects.create(
        action=action,
        subject_digest=subject.digest(),
        subject_hint=subject.hint(),
        user=user,
        username=user.get_username() if user else "",
        found=found,
        reason=reason,
    )


def _counts(holdings):
    return {key: len(items) for key, items in holdings.items() if items}


def audited_lookup(subject, user):
    holdings = lookup(subject)
    _record(PersonalDataAction.Action.LOOKUP, subject, user, _counts(holdings))
    return holdings


def export_text(subject, user):
    """A plain UTF-8 text file the person can read: every record, labelled."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    holdings = lookup(subject)
    lines = [
        _("Data held about %(subject)s") % {"subject": subject.value},
        _("Exported %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        "",
    ]
    by_key = {source.key: source for source in sources()}
    for key, items in holdings.items():
        if not items:
            continue
        lines.append(f"== {by_key[key].label} ({len(items)})")
        for holding in items:
            lines.append(f"-- {holding.title}")
            lines.extend(f"   {label}: {value}" for label, value in holding.fields.items())
        lines.append("")
    if not any(holdings.values()):
        lines.append(_("Nothing is held about this phone number or email."))
    _record(PersonalDataAction.Action.EXPORT, subject, user, _counts(holdings))
    return "\n".join(str(line) for line in lines) + "\n"


def erase(subject, user, reason):
    """Erase every erasable holding; returns {source key: rows erased}."""
    erased = {}
    with transaction.atomic():
        for source in sources():
            pks = [
                h.pk for h in source.find(phone=subject.phone, email=subject.email) if h.erasable
            ]
            if pks:
                erased[source.key] = source.erase(pks)
        _record(PersonalDataAction.Action.ERASE, subject, user, erased, reason)
    return erased
