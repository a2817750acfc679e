"""The contest page (call for entries, rules, judging criteria) and the consent notice."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index


class Category(models.TextChoices):
    DRAWING = "drawing", _("Drawing")
    ESSAY = "essay", _("Essay")


class Grade(models.IntegerChoices):
    P1 = 1, _("Primary year 1")
    P2 = 2, _("Primary year 2")
    P3 = 3, _("Primary year 3")
    P4 = 4, _("Primary year 4")
    P5 = 5, _("Primary year 5")
    P6 = 6, _("Primary year 6")
    J1 = 7, _("Junior middle year 1")
    J2 = 8, _("Junior middle year 2")
    J3 = 9, _("Junior middle year 3")


class ConsentNotice(models.Model):
    """What the guardian agrees to. Each edit that changes the text is a new version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(
        _("notice text"),
        help_text=_(
            "Say what is collected, why, who sees it, for how long, and how to withdraw. "
            "Plain text; blank lines separate paragraphs."
        ),
    )
    published_at = models.DateTimeField(_("in use from"), default=timezone.now)

    panels = [FieldPanel("version"), FieldPanel("title"), FieldPanel("text")]

    class Meta:
        ordering = ["-version"]
        verbose_name = _("consent notice")
        verbose_name_plural = _("consent notices")

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def clean(self):
        # What a guardian agreed to must stay as it was shown: edits become new versions.
        if self.pk and self.entries.exists():
            stored = ConsentNotice.objects.get(pk=self.pk)
            if (stored.text, stored.title, stored.version) != (self.text, self.title, self.version):
                raise ValidationError(
                    _(
                        "Guardians have agreed to this version. Add a new notice with a "
                        "higher version number instead of editing it."
                    )
                )

    @classmethod
    def current(cls):
        return cls.objects.order_by("-version").first()


class ContestPage(RoutablePageMixin, Page):
    """A children's drawing and essay contest: the call, the form while open, the gallery."""

    freshness_scopes = ("content", "contest")

    class Status(models.TextChoices):
        OPEN = "open", _("Open for entries")
        JUDGING = "judging", _("Judging")
        RESULTS_PUBLISHED = "results", _("Results published")

    theme = models.CharField(
        _("theme"), max_length=120, help_text=_("The contest's theme, e.g. 消防安全在我心.")
    )
    organisers = models.CharField(
        _("organisers"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 消防救援大队、教育局."),
    )
    intro = RichTextField(
        _("call for entries"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    rules = RichTextField(
        pgettext_lazy("contest", "rules"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Who may enter, what to submit, how works are judged."),
    )
    accepts_drawings = models.BooleanField(_("accepts drawings"), default=True)
    accepts_essays = models.BooleanField(_("accepts essays"), default=True)
    opens_at = models.DateTimeField(_("submissions open"))
    closes_at = models.DateTimeField(_("submissions close"))
    essay_max_chars = models.PositiveIntegerField(
        _("essay character limit"),
        default=2000,
        validators=[MinValueValidator(100), MaxValueValidator(20000)],
    )
    retention_days = models.PositiveIntegerField(
        _("retention period (days)"),
        default=365,
        help_text=_(
            "Days after submissions close until guardian contact data and the originals "
            "of works without an award are deleted."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    # When staff closed entries (start of judging), which may be before ``closes_at``;
    # the public page shows it. Cleared when the closing is undone.
    entries_closed_at = models.DateTimeField(_("entries closed"), null=True, blank=True)
    # When the award texts went to the outbox: after that, publishing cannot be undone.
    award_messages_at = models.DateTimeField(_("award messages sent"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("theme"),
        FieldPanel("organisers"),
        FieldPanel("intro"),
        FieldPanel("rules"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("accepts_drawings"), FieldPanel("accepts_essays")]),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("essay_max_chars"),
                FieldPanel("retention_days"),
            ],
            heading=_("Submissions"),
        ),
        InlinePanel("age_groups", heading=_("Age groups"), min_num=1),
        InlinePanel("criteria", heading=_("Judging criteria"), min_num=1),
        FieldPanel(
            "status",
            read_only=True,
            help_text=_("Changed from the contest's judging and results screens."),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("theme"),
        index.SearchField("intro"),
        index.SearchField("rules"),
    ]
    parent_page_types = ["education.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("contest page")
        verbose_name_plural = _("contest pages")

    def with_content_json(self, content):
        """The contest's stage is changed by services, never by restoring a revision."""
        page = super().with_content_json(content)
        page.status = self.status
        page.results_published_at = self.results_published_at
        page.entries_closed_at = self.entries_closed_at
        page.award_messages_at = self.award_messages_at
        return page

    # Entries, age groups and criteria hang off the default-locale page; an English
    # alias shows the same contest.
    def canonical(self):
        if self.locale_id == Locale.get_default().pk:
            return self
        return (
            ContestPage.objects.filter(
                translation_key=self.translation_key, locale=Locale.get_default()
            ).first()
            or self
        )

    def categories(self):
        return [
            (value, label)
            for value, label in Category.choices
            if (value == Category.DRAWING and self.accepts_drawings)
            or (value == Category.ESSAY and self.accepts_essays)
        ]

    def is_accepting_entries(self, now=None):
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at

    @property
    def entries_end(self):
        """When entries actually ended: the deadline, or earlier if staff closed them."""
        if self.entries_closed_at and self.entries_closed_at < self.closes_at:
            return self.entries_closed_at
        return self.closes_at

    @property
    def results_are_public(self):
        return self.status == self.Status.RESULTS_PUBLISHED

    def retention_ends_at(self):
        return self.closes_at + timedelta(days=self.retention_days)

    @path("")
    def index_route(self, request):
        from media.contest.views import contest_index

        return contest_index(request, self)

    @path("entries/<int:entry_id>/", name="entry")
    def entry_route(self, request, entry_id):
        from media.contest.views import entry_detail

        return entry_detail(request, self, entry_id)

    @path("submitted/", name="submitted")
    def submitted_route(self, request):
        from media.contest.views import submitted

        return submitted(request, self)


class AgeGroup(Orderable):
    contest = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="age_groups")
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. 小学低年级组."))
    min_grade = models.PositiveSmallIntegerField(_("from grade"), choices=Grade.choices)
    max_grade = models.PositiveSmallIntegerField(_("to grade"), choices=Grade.choices)

    panels = [FieldPanel("name"), FieldRowPanel([FieldPanel("min_grade"), FieldPanel("max_grade")])]

    class Meta(Orderable.Meta):
        verbose_name = _("age group")
        verbose_name_plural = _("age groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_grade__lte=models.F("max_grade")),
                name="contest_agegroup_grade_range",
            )
        ]

    def __str__(self):
        return self.name

    def includes_grade(self, grade):
        return self.min_grade <= int(grade) <= self.max_grade


class Criterion(Orderable):
    """One judging criterion; a judge marks it 0–10 and the weights make the total."""

    contest = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. 主题表达."))
    description = models.CharField(_("what judges look for"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("weight")]

    class Meta(Orderable.Meta):
        verbose_name = _("judging criterion")
        verbose_name_plural = _("judging criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1), name="contest_criterion_weight"
            )
        ]

    def __str__(self):
        return f"{self.name} ×{self.weight}"
