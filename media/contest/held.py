"""A drawing that passed its checks, held while the rest of its form is corrected.

A browser cannot put a chosen file back into a file input, so a submission that fails
on another field (a mistyped phone, a missing consent) would lose the drawing. Instead
the sanitised drawing is kept in the contest's private storage (never served) under a
random name, and the re-rendered form carries a signed, time-limited token naming it:
only that token brings it back, to that contest's form, for ``HOLD_SECONDS``. Files
older than that are deleted by the "contest: held drawings" schedule, and a successful
submission deletes its held file at once.
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.utils import timezone

from .models.entry import get_private_storage

HOLD_SECONDS = 2 * 60 * 60
FOLDER = "held"
_SALT = "contest.held-drawing"
_EXTENSIONS = ("jpg", "png")


def hold(drawing, contest, original_name=""):
    """Keep a sanitised drawing ``(file, width, height)``; return the form's token."""
    content, width, height = drawing
    extension = content.name.rsplit(".", 1)[-1].lower()
    if extension not in _EXTENSIONS:
        raise ValueError(f"not a sanitised drawing: {content.name}")
    content.seek(0)
    name = get_private_storage().save(f"{FOLDER}/{secrets.token_urlsafe(18)}.{extension}", content)
    content.seek(0)
    value = {"n": name, "w": width, "h": height, "c": contest.pk, "o": original_name[:80]}
    return signing.dumps(value, salt=_SALT, compress=True)


def _read(token, contest):
    try:
        value = signing.loads(token, salt=_SALT, max_age=HOLD_SECONDS)
    except signing.BadSignature:  # also an expired token
        return None
    name = value.get("n", "") if isinstance(value, dict) else ""
    if value.get("c") != contest.pk or not name.startswith(f"{FOLDER}/") or ".." in name:
        return None
    return value


def restore(token, contest):
    """The held drawing ``(file, width, height)`` and its original file name, or ``None``
    when the token is not genuine, belongs to another contest, has expired or its file
    is gone."""
    value = _read(token, contest)
    if value is None:
        return None
    storage = get_private_storage()
    try:
        with storage.open(value["n"]) as held:
            data = held.read()
    except OSError:
        return None
    extension = value["n"].rsplit(".", 1)[-1]
    return (ContentFile(data, name=f"work.{extension}"), value["w"], value["h"]), value["o"]


def release(token, contest):
    """Delete the held file of a token, once its drawing has been submitted."""
    value = _read(token, contest)
    if value is not None:
        get_private_storage().delete(value["n"])


def sweep(now=None):
    """Delete held drawings older than ``HOLD_SECONDS``; return how many."""
    storage = get_private_storage()
    cutoff = (now or timezone.now()) - timedelta(seconds=HOLD_SECONDS)
    try:
        _folders, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for filename in files:
        name = f"{FOLDER}/{filename}"
        if storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed += 1
    return removed
