"""Writing the audit trail. Called by services inside their transaction, and by views for reads."""

from __future__ import annotations

from typing import Iterable

from django.db import models

from homeward import inserts

from .context import current_request_id
from .models import AuditEntry

Action = AuditEntry.Action


def _actor(user) -> tuple[object, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "" if user is None else str(user)
    return user, user.get_username()


def record(user, action: str, target: models.Model | None = None, *, target_type: str = "", target_id: str = "",
           label: str = "", changes: dict | None = None, detail: str = "", actor_label: str = "") -> AuditEntry:
    account, name = _actor(user)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        label = label or str(target)
    return AuditEntry.objects.create(
        user=account, actor_label=actor_label or name, request_id=current_request_id.get(), action=action,
        target_type=target_type, target_id=target_id, target_label=label[:300], changes=changes or {},
        detail=detail[:500],
    )


def record_many(user, targets: Iterable[models.Model], *, action: str = Action.VIEW, detail: str = "",
                changes_of=None) -> None:
    """One entry per object, written in bulk: the objects a page showed, or the rows an import created."""
    record_rows(user, ((t._meta.label_lower, t.pk, str(t), changes_of(t) if changes_of else None) for t in targets),
                action=action, detail=detail)


def record_rows(user, rows: Iterable[tuple[str, object, str, dict | None]], *, action: str = Action.VIEW,
                detail: str = "") -> None:
    """Like record_many, for rows written without model instances: (target type, target id, label,
    changes or None) each."""
    account, name = _actor(user)
    request_id = current_request_id.get()
    account_id = account.pk if account is not None else None
    detail = detail[:500]
    inserts.insert(AuditEntry, ("user_id", "actor_label", "request_id", "action", "target_type", "target_id",
                                "target_label", "detail", "changes"),
                   ((account_id, name, request_id, action, target_type, str(target_id), label[:300], detail,
                     {"after": changes} if changes is not None else {})
                    for target_type, target_id, label, changes in rows))


def record_reads(user, targets: Iterable[models.Model], *, action: str = Action.VIEW, detail: str = "") -> None:
    """One entry per person-level object shown, so that 'who looked at this case' stays answerable."""
    record_many(user, targets, action=action, detail=detail)


def record_change(user, target: models.Model, *, action: str = Action.CHANGE, before: dict | None = None,
                  after: dict | None = None, detail: str = "", actor_label: str = "") -> AuditEntry:
    changes = {"before": before or {}, "after": after or {}}
    return record(user, action, target, changes=changes, detail=detail, actor_label=actor_label)
