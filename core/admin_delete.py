"""Deleting what other rows hold: refused with a message naming them, never a 500.

A ``PROTECT`` (or ``RESTRICT``) foreign key makes the database delete raise
``ProtectedError``. Wagtail's delete view knows only its reference index, which does
not count such rows ("referenced 0 times"). ``HeldDeleteViewMixin`` asks Django's
deletion collector — the same walk the delete itself does, cascades included — which
rows hold the object, says so on the confirm page instead of the button, and refuses
the POST with the same message.
"""

from collections import Counter

from django.contrib import messages
from django.db import router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import DeleteView
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView


def held_by(obj):
    """'3 bookings'-style descriptions of the rows that keep ``obj`` from being deleted."""
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except ProtectedError as error:
        holders = error.protected_objects
    except RestrictedError as error:
        holders = error.restricted_objects
    else:
        return []
    counts = Counter(type(holder)._meta.verbose_name_plural for holder in holders)
    return [f"{count} {name}" for name, count in sorted(counts.items())]


def held_message(obj, holders):
    return _("“%(object)s” cannot be deleted: %(holders)s still depend on it.") % {
        "object": obj,
        "holders": ", ".join(holders),
    }


class HeldDeleteViewMixin:
    """For a Wagtail ``DeleteView`` of a model other rows hold through PROTECT keys."""

    template_name = "core/admin/confirm_delete.html"

    @cached_property
    def holders(self):
        return held_by(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.holders:
            context["is_protected"] = True
            context["held_by"] = held_message(self.object, self.holders)
        return context

    def form_valid(self, form):
        try:
            if self.holders:
                raise ProtectedError("held", set())
            return super().form_valid(form)
        except (ProtectedError, RestrictedError):
            # Held now (or a booking arrived since the page was shown).
            holders = self.holders or held_by(self.object)
            messages.error(self.request, held_message(self.object, holders))
            return redirect(self.get_delete_url())


class HeldDeleteView(HeldDeleteViewMixin, DeleteView):
    """A ``ModelViewSet``'s delete view for a model that PROTECT keys point at."""


class HeldSnippetDeleteView(HeldDeleteViewMixin, SnippetDeleteView):
    """The same for a ``SnippetViewSet``."""


def refuse_held_snippets(request, instances):
    """``before_delete_snippet`` hook (core/wagtail_hooks.py): the single and the bulk
    delete of snippets stop, with the message, when any chosen snippet is held."""
    if request.method != "POST":
        return None  # the confirm page itself says what holds a snippet
    held = [(obj, holders) for obj in instances if (holders := held_by(obj))]
    if not held:
        return None
    for obj, holders in held:
        messages.error(request, held_message(obj, holders))
    return redirect(request.get_full_path())
