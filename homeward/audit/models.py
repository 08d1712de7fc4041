from django.conf import settings
from django.db import models

from homeward.appendonly import AppendOnlyModel


class AuditEntry(AppendOnlyModel):
    """Who read or changed what, when. Never updated or deleted (the database refuses it on PostgreSQL)."""

    class Action(models.TextChoices):
        VIEW = "view"
        SEARCH = "search"
        EXPORT = "export"
        REVEAL = "reveal"
        CREATE = "create"
        CHANGE = "change"
        IMPORT = "import"
        LOGIN = "login"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150, blank=True, help_text="who, when not a user: a family, a system")
    request_id = models.CharField(max_length=36, blank=True, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]
