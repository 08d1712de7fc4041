"""Merging two cases that turn out to be one man, and undoing it.

Nothing is moved: the absorbed case keeps its reports and events and gets a `merged` event, which
takes it out of the figures from the day it was recorded on. An unmerge withdraws that event.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from homeward.audit import services as audit


from .lifecycle import Event, refusal
from .models import Case, CaseEvent
from .services import RegistryError, _checked_recorded_at, event_facts, refresh_statuses


def _lock(*cases: Case) -> None:
    list(Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases]).values_list("pk"))


def standing_merge(case: Case) -> CaseEvent | None:
    """The merged event that currently takes this case out, if any."""
    undone = CaseEvent.objects.filter(case=case, kind=Event.UNMERGED).values_list("corrects_id", flat=True)
    return (CaseEvent.objects.filter(case=case, kind=Event.MERGED).exclude(pk__in=list(undone))
            .order_by("-recorded_at", "-id").first())


@transaction.atomic
def merge_cases(survivor: Case, absorbed: Case, by, note: str, *, recorded_at: datetime | None = None) -> CaseEvent:
    """Fold `absorbed` into `survivor`; both keep everything they hold."""
    if survivor.pk == absorbed.pk:
        raise RegistryError("a case cannot be merged into itself")
    if not note.strip():
        raise RegistryError("a merge needs a note saying why these are the same person")
    recorded_at = _checked_recorded_at(recorded_at)
    _lock(survivor, absorbed)
    survivor.refresh_from_db(fields=["status"])
    if survivor.status == Event.MERGED:
        raise RegistryError(f"{survivor.reference} is itself merged into another case; merge into that one")
    reason = refusal(event_facts(absorbed), Event.MERGED, recorded_at.date(), recorded_at)
    if reason:
        raise RegistryError(f"{absorbed.reference}: {reason}")
    event = CaseEvent.objects.create(
        case=absorbed, kind=Event.MERGED.value, occurred_on=recorded_at.date().isoformat(),
        occurred_from=recorded_at.date(), recorded_at=recorded_at, recorded_by=by, note=note,
        details={"into": survivor.reference},
    )
    refresh_statuses([absorbed.pk])
    absorbed.refresh_from_db(fields=["status"])
    audit.record_change(by, absorbed, after={"merged_into": survivor.reference, "event": event.pk, "note": note})
    audit.record_change(by, survivor, after={"absorbed": absorbed.reference, "event": event.pk})
    return event


@transaction.atomic
def unmerge_cases(absorbed: Case, by, note: str, *, recorded_at: datetime | None = None) -> CaseEvent:
    """Undo the merge of `absorbed`: it counts again as its own case from the moment this is recorded."""
    if not note.strip():
        raise RegistryError("an unmerge needs a note saying why")
    recorded_at = _checked_recorded_at(recorded_at)
    _lock(absorbed)
    merge = standing_merge(absorbed)
    if merge is None:
        raise RegistryError(f"{absorbed.reference} is not merged into another case")
    if recorded_at < merge.recorded_at:
        # as known before the merge there was nothing to undo; an earlier time would rewrite past figures
        raise RegistryError(f"the merge was recorded on {merge.recorded_at:%Y-%m-%d %H:%M}; "
                            f"an unmerge cannot be recorded before it ({recorded_at:%Y-%m-%d %H:%M})")
    event = CaseEvent.objects.create(
        case=absorbed, kind=Event.UNMERGED.value, occurred_on=recorded_at.date().isoformat(),
        occurred_from=recorded_at.date(), recorded_at=recorded_at, recorded_by=by, note=note, corrects=merge,
        details={"from": merge.details.get("into", "")},
    )
    refresh_statuses([absorbed.pk])
    absorbed.refresh_from_db(fields=["status"])
    audit.record_change(by, absorbed, after={"unmerged_from": merge.details.get("into", ""), "event": event.pk,
                                             "note": note})
    return event


def absorbed_cases(survivor: Case) -> list[Case]:
    """The cases currently merged into `survivor` (directly)."""
    found = []
    candidates = Case.objects.filter(status=Event.MERGED, events__kind=Event.MERGED,
                                     events__details__into=survivor.reference).distinct()
    for case in candidates.select_related("person"):
        merge = standing_merge(case)
        if merge and merge.details.get("into") == survivor.reference:
            found.append(case)
    return found


def survivor_of(case: Case) -> Case:
    """The case that stands for `case` now, following merges (a family's old reference keeps working)."""
    seen = {case.pk}
    while case.status == Event.MERGED:
        merge = standing_merge(case)
        into = Case.objects.filter(reference=merge.details.get("into", "")).first() if merge else None
        if into is None or into.pk in seen:
            break
        seen.add(into.pk)
        case = into
    return case


