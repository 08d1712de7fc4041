from datetime import date

from django.db.models import Q, QuerySet

from .models import AuditEntry


def search_entries(*, user: str = "", target: str = "", action: str = "", since: date | None = None,
                   until: date | None = None) -> QuerySet[AuditEntry]:
    """Filter the trail by who, which object (type, id or label), action and day."""
    entries = AuditEntry.objects.select_related("user")
    if user:
        entries = entries.filter(Q(user__username__iexact=user) | Q(actor_label__iexact=user))
    if target:
        entries = entries.filter(Q(target_id=target) | Q(target_label__icontains=target) | Q(target_type=target))
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-id")


def readers_of_case(case, limit: int = 50) -> QuerySet[AuditEntry]:
    """Who looked at this case: views, searches and reveals, newest first."""
    return (AuditEntry.objects.filter(target_type="registry.case", target_id=str(case.pk))
            .exclude(action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.CHANGE])
            .select_related("user").order_by("-at", "-id")[:limit])
