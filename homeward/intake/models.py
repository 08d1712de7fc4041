from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.registry.models import Case, ImportBatch


class FamilyAccess(models.Model):
    """What lets a family open its case's status page: the reference plus a passcode, stored hashed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="family_accesses")
    passcode_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)


class Attempt(models.Model):
    """One throttled action (a wrong passcode, a submission), kept in the database so that every
    server process counts the same attempts."""

    class Kind(models.TextChoices):
        WRONG_PASSCODE = "wrong_passcode"
        SUBMISSION = "submission"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=100)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"])]


class ReviewItem(models.Model):
    """A case that probably duplicates another one, waiting for an officer's decision."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        MERGED = "merged", _("merged")
        DISTINCT = "distinct", _("different people")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="duplicate_reviews")
    candidate = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    explanation = models.JSONField(default=dict)
    origin = models.CharField(max_length=100)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.reference} ~ {self.candidate.reference}"


class Upload(models.Model):
    """A register uploaded in the web UI: kept on disk between its preview and its commit."""

    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField()
    origin_country = models.CharField(max_length=2)
    host_country = models.CharField(max_length=2)
    rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    problem = models.TextField(blank=True, help_text=_("Why the file as a whole cannot be used"))
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.file_name
