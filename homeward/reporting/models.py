from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.appendonly import AppendOnlyModel

COUNT = dict(null=True, blank=True)


class PublishedStatement(AppendOnlyModel):
    """Figures as a minister or ministry published them, kept exactly as stated: never edited."""

    published_on = models.DateField(help_text=_("The day the statement was made"))
    figures_on = models.DateField(help_text=_("The day the figures describe (usually the same day)"))
    forum = models.CharField(max_length=300, help_text=_("e.g. Lok Sabha written answer, press briefing"))
    origin_country = models.CharField(max_length=2, blank=True, help_text=_("Whose nationals it counts; empty: all"))
    known = models.PositiveIntegerField(**COUNT)
    killed = models.PositiveIntegerField(**COUNT)
    discharged = models.PositiveIntegerField(**COUNT)
    missing = models.PositiveIntegerField(**COUNT)
    prisoner = models.PositiveIntegerField(**COUNT)
    remaining = models.PositiveIntegerField(**COUNT)
    # Published figures often fold the missing (and prisoners) into "remain"; saying so keeps the
    # comparison fair without rewriting the numbers.
    remaining_includes_missing = models.BooleanField(default=False)
    remaining_includes_prisoner = models.BooleanField(default=False)
    text = models.TextField(help_text=_("The statement's words, as published"))
    source_url = models.URLField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return f"{self.published_on} · {self.forum}"
