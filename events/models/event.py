from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import ENGLISH_HELP, EnglishFields


class Event(EnglishFields, models.Model):
    """What can be booked, and the rules every booking for it must follow."""

    class Kind(models.TextChoices):
        CAMP_BATCH = "camp_batch", _("Summer camp batch")
        EXPERIENCE_VISIT = "experience_visit", _("Experience room visit")
        SCHOOL_TALK = "school_talk", _("School talk")
        COMPANY_DRILL = "company_drill", _("Company drill or training")
        GUIDED_TOUR = "guided_tour", _("Guided tour")
        # A family's visit to an experience room: no organization, small parties.
        FAMILY_VISIT = "family_visit", _("Family visit to an experience room")

    class Audience(models.TextChoices):
        SCHOOLS = "schools", _("Schools")
        COMPANIES = "companies", _("Companies")
        COMMUNITY = "community", _("Community groups")
        ALL = "all", _("Schools, companies and community groups")

    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(
        _("title in English"), max_length=120, blank=True, help_text=ENGLISH_HELP
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The content page that describes this event (camp, theme park, room)."),
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True, help_text=ENGLISH_HELP)
    party_min = models.PositiveIntegerField(_("smallest party"), default=1)
    party_max = models.PositiveIntegerField(_("largest party"), default=60)
    children_per_adult = models.PositiveIntegerField(
        _("children per accompanying adult"),
        default=0,
        help_text=_("At least one adult for this many children; 0 means no ratio applies."),
    )
    opens_days_before = models.PositiveIntegerField(_("booking opens (days before)"), default=60)
    lead_time_hours = models.PositiveIntegerField(
        _("booking closes (hours before)"),
        default=48,
        help_text=_("New bookings and changes close this many hours before a session starts."),
    )
    cancel_hours = models.PositiveIntegerField(
        _("cancellation deadline (hours before)"), default=24
    )
    online_close_days_before = models.PositiveSmallIntegerField(
        _("online changes close (days before)"),
        default=1,
        help_text=_("With a closing time: how many days before the session's date."),
    )
    online_close_time = models.TimeField(
        _("online changes close at"),
        null=True,
        blank=True,
        help_text=_(
            "The time of day when online changes and cancellation close, e.g. 17:00 when the "
            "hotline closes. Empty: they close the number of hours before the start set above."
        ),
    )
    room_capacity = models.PositiveIntegerField(
        _("room capacity"),
        null=True,
        blank=True,
        help_text=_("The most people the venue takes at once; no session may offer more."),
    )
    open_days = models.CharField(
        _("open days"),
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(
                r"^(?!.*(.).*\1)[1-7]*$",
                _("Weekday numbers 1 (Monday) to 7 (Sunday), each once."),
            )
        ],
        help_text=_(
            "The days the venue is open, as weekday numbers 1 (Monday) to 7 (Sunday): "
            "2345 is Tuesday to Friday. Empty: every day."
        ),
    )
    opens_at = models.TimeField(_("venue opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("venue closes at"), null=True, blank=True)
    requires_approval = models.BooleanField(_("staff approval needed"), default=False)
    waitlist_enabled = models.BooleanField(_("waitlist open"), default=True)
    bookings_per_organization = models.PositiveIntegerField(
        _("bookings per organization"),
        default=0,
        help_text=_("How many active bookings one organization may hold; 0 means no limit."),
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party_min__gte=1)
                & models.Q(party_max__gte=models.F("party_min")),
                name="events_event_party_limits",
            ),
        ]

    def __str__(self):
        return self.title

    def group_label(self):
        """What a booking's "group" answer means for this kind of event.

        A talk is for school grades; a family tells its children's ages; other groups
        give a grade or an age group. The booking form, the change form and every page
        that shows a booking use this one label.
        """
        if self.kind == self.Kind.SCHOOL_TALK:
            return _("Grades")
        if self.kind == self.Kind.FAMILY_VISIT:
            return _("Children's ages")
        return _("Grade or age group")

    def venue_problems(self, starts_at, ends_at, capacity):
        """How a session at these times and of this size breaks the venue's hours or size.

        ``(field, message)`` pairs, empty when it keeps to them; ``Session.clean`` (and
        so every staff form) refuses a session with any.
        """
        problems = []
        room = self.room_capacity
        if room is not None and capacity is not None and capacity > room:
            problems.append(("capacity", _("The room takes at most %(n)s people.") % {"n": room}))
        if starts_at is None or ends_at is None:
            return problems
        start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        if self.open_days and str(start.isoweekday()) not in self.open_days:
            problems.append(("starts_at", _("The venue is closed on that day of the week.")))
        opens, closes = self.opens_at, self.closes_at
        if (opens and start.time() < opens) or (
            closes and (end.date() != start.date() or end.time() > closes)
        ):
            problems.append(
                (
                    "starts_at",
                    _("The session must fall within the venue's hours (%(opens)s–%(closes)s).")
                    % {
                        "opens": opens.strftime("%H:%M") if opens else "",
                        "closes": closes.strftime("%H:%M") if closes else "",
                    },
                )
            )
        return problems
