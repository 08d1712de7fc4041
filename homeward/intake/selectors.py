"""Intake reads: what a family may see of its case, the review queue, a survivor's absorbed cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from homeward.accounts.models import Office, User
from homeward.registry import merging
from homeward.registry.lifecycle import Event
from homeward.registry.models import Case, CaseEvent

from .models import ReviewItem

# What a family reads: plain words, no internal vocabulary. Grave news is given by an officer in
# person, so the page asks the family to expect that call rather than announcing it.
FAMILY_STATUS = {
    "": _("We have received your report."),
    Event.REPORTED: _("We have received your report. Officers are checking it and asking the host country's "
                      "authorities about him."),
    Event.IDENTIFIED: _("The host country's authorities have confirmed where he is. Officers are working on "
                        "his release."),
    Event.DISCHARGE_REQUESTED: _("His release from the army has been requested. We are waiting for the answer."),
    Event.CONTRACT_ANNULLED: _("His army contract has been cancelled. Officers are arranging his release."),
    Event.DISCHARGED: _("He has been released from the army. Officers are arranging his journey home."),
    Event.RETURNED_HOME: _("He has come home."),
    Event.MISSING: _("He is reported missing. Officers keep asking the host country's authorities."),
    Event.PRISONER: _("He is reported to be held as a prisoner. Officers are working with the authorities "
                      "concerned."),
    Event.KILLED: _("There is important news about him. An officer will contact you; you may also call the "
                    "helpline."),
    Event.REMAINS_IDENTIFIED: _("There is important news about him. An officer will contact you; you may also "
                                "call the helpline."),
    Event.REMAINS_REPATRIATED: _("An officer has news for you about him and will contact you."),
    Event.CREMATED_LOCALLY: _("An officer has news for you about him and will contact you."),
    Event.NOT_IN_SERVICE: _("The host country's authorities have no record of him in the army. Officers are "
                            "checking further."),
}


@dataclass(frozen=True)
class FamilyStatus:
    reference: str
    text: str
    last_update: date | None


def family_status(case: Case) -> FamilyStatus:
    """Only what a family may know: a plain-language status and when the case last changed."""
    current = merging.survivor_of(case)
    last = CaseEvent.objects.filter(case__in=[case.pk, current.pk]).aggregate(m=Max("recorded_at"))["m"]
    return FamilyStatus(case.reference, FAMILY_STATUS.get(current.status, FAMILY_STATUS[""]),
                        last.date() if last else None)


def filing_offices(user):
    """The offices a user may file a new case into: so that the case stays within what the user sees.

    A mission officer sees the cases of his own office; an HQ officer those of his country, whatever
    the office (so any office of that country, or none)."""
    if user.role == User.Role.MISSION_OFFICER:
        return Office.objects.filter(pk=user.office_id) if user.office_id else Office.objects.none()
    if user.role == User.Role.HQ_OFFICER and user.country:
        return Office.objects.filter(country=user.country)
    return Office.objects.none()


def open_reviews(cases):
    """Possible duplicates waiting for a decision, among the cases a user may see (both sides)."""
    visible = cases.values("pk")
    return (ReviewItem.objects.filter(state=ReviewItem.State.OPEN, case__in=visible, candidate__in=visible)
            .select_related("case__person", "candidate__person").prefetch_related("case__person__names",
                                                                                   "candidate__person__names"))


@dataclass(frozen=True)
class AbsorbedCase:
    case: Case
    merge: CaseEvent
    reports: list
    events: list


def absorbed(case: Case) -> list[AbsorbedCase]:
    found = []
    for other in merging.absorbed_cases(case):
        found.append(AbsorbedCase(other, merging.standing_merge(other), list(other.reports.all()),
                                  list(other.events.order_by("occurred_from", "recorded_at", "id"))))
    return found
