"""A judge's marks for one entry, per criterion, and the weighted total they make."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Score(models.Model):
    entry = models.ForeignKey(
        "contest.Entry",
        verbose_name=pgettext_lazy("contest", "entry"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.CASCADE,
        related_name="contest_scores",
    )
    # {criterion id (str): mark 0–10}
    marks = models.JSONField(_("marks"), default=dict)
    total = models.DecimalField(_("weighted total (0–100)"), max_digits=5, decimal_places=2)
    comment = models.CharField(pgettext_lazy("judging", "comment"), max_length=300, blank=True)
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    class Meta:
        ordering = ["entry", "scored_at"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="contest_score_one_per_judge"),
            models.CheckConstraint(
                condition=models.Q(total__gte=0) & models.Q(total__lte=100),
                name="contest_score_total_range",
            ),
        ]

    def __str__(self):
        return f"{self.entry_id} · {self.judge_id}: {self.total}"
