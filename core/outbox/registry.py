"""Which app renders which kind of message, and which staff may see it.

Each app registers the renderers of its kinds in its ``AppConfig.ready()``; core knows
the kinds (``Kind``) but never the models they are about.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.core import checks

from .models import Kind


class Outgoing(NamedTuple):
    """One message as rendered for sending; an empty address skips that channel.

    ``email`` is one address or a list of them (one email to all).
    """

    email: str | list
    subject: str
    body: str
    phone: str
    sms: str


@dataclass(frozen=True)
class Registration:
    render: object
    staff_permission: str


_REGISTRY = {}


def register(kinds, render, *, staff_permission):
    """Make ``render`` the renderer of these kinds.

    ``render`` gets the ``OutboxMessage`` and returns ``Outgoing``, or None when there is
    no longer anything to send (the recipient's data was erased meanwhile).
    ``staff_permission`` is the permission that lets a staff member see these messages
    in the admin's listing. A kind has one renderer: registering another is an error.
    """
    for kind in kinds:
        kind = Kind(kind)
        known = _REGISTRY.get(kind)
        if known is not None and known.render is not render:
            raise ValueError(f"Message kind {kind} already has a renderer")
        _REGISTRY[kind] = Registration(render, staff_permission)


def renderer(kind):
    """The registered renderer of ``kind``; LookupError when none is."""
    try:
        return _REGISTRY[Kind(kind)].render
    except KeyError:
        raise LookupError(f"No renderer for message kind {kind}") from None


def kinds_visible_to(user):
    return [
        kind
        for kind, registration in _REGISTRY.items()
        if user.has_perm(registration.staff_permission)
    ]


@checks.register()
def every_kind_has_a_renderer(app_configs=None, **kwargs):
    """A kind nobody renders would be written to the outbox and never sent."""
    return [
        checks.Error(
            f"Message kind {kind} has no renderer",
            hint="Register one with core.outbox.register() in the app's ready().",
            id="core.E101",
        )
        for kind in Kind
        if kind not in _REGISTRY
    ]
