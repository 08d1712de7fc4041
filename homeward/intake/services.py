"""Intake writes: family reports, officers' cases and reports, recruiting agents, duplicate reviews."""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.access import visible_cases
from homeward.audit import services as audit
from homeward.registry import agents, merging, services as registry
from homeward.registry.agents import AgentInput
from homeward.registry.models import Case, RecruitingAgent, Report
from tabular import PartialDate

from . import duplicates
from .models import Attempt, FamilyAccess, ReviewItem
from .notify import Message, notifier

FAMILY = "family web form"
PASSCODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
SUBMISSIONS_PER_ADDRESS = 5  # per hour
# Wrong passcodes, per 15 minutes: from one address for one reference, and from one address in all.
# There is no limit per reference alone: whoever knows (or counts through) the references could then
# keep a family out of its own page. A passcode has ~60 bits, so guessing is hopeless anyway; the
# limits tell a person who keeps mistyping to stop, they never refuse the right passcode.
WRONG_PER_REFERENCE_AND_ADDRESS = 5
WRONG_PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)
SUBMISSION_WINDOW = timedelta(hours=1)


class IntakeError(ValueError):
    """A request intake refuses, with a message fit to show the person who made it."""


class Throttled(IntakeError):
    pass


@dataclass
class Entry:
    """One report about a person, as a family or an officer gives it."""

    person: registry.PersonInput
    report: registry.ReportInput
    origin_country: str
    host_country: str = ""
    left_home_on: PartialDate | None = None
    last_contact: str = ""
    agent: AgentInput = field(default_factory=AgentInput)
    office: object = None

    def record(self):
        full_name = self.person.names[0].resolved_full_name() if self.person.names else ""
        return duplicates.record_of(full_name=full_name, date_of_birth=self.person.date_of_birth.iso
                                    if self.person.date_of_birth else "", passport_number=self.person.passport_number,
                                    phone=self.person.phone, home_state=self.person.home_state,
                                    home_district=self.person.home_district, sex=self.person.sex)


def host_country() -> str:
    return getattr(settings, "HOMEWARD_HOST_COUNTRY", "RU")


# ----------------------------------------------------------------------------- throttling


def _count(kind: str, key: str, since) -> int:
    return Attempt.objects.filter(kind=kind, key=key, at__gte=since).count()


def _note_attempt(kind: str, *keys: str) -> None:
    now = timezone.now()
    Attempt.objects.bulk_create([Attempt(kind=kind, key=key[:100], at=now) for key in keys])


def _check_submission_rate(client: str) -> None:
    if _count(Attempt.Kind.SUBMISSION, f"ip:{client}", timezone.now() - SUBMISSION_WINDOW) >= SUBMISSIONS_PER_ADDRESS:
        raise Throttled(_("Too many reports have been sent from this connection in the last hour. "
                          "Please try again later, or call the helpline."))


def _passcode_keys(reference: str, client: str) -> tuple[str, str]:
    """The throttle keys of a wrong passcode: this address for this reference, and this address."""
    return f"ref:{reference}|ip:{client}", f"ip:{client}"


def _check_passcode_rate(reference: str, client: str) -> None:
    since = timezone.now() - WINDOW
    per_reference, per_address = _passcode_keys(reference, client)
    if (_count(Attempt.Kind.WRONG_PASSCODE, per_reference, since) >= WRONG_PER_REFERENCE_AND_ADDRESS
            or _count(Attempt.Kind.WRONG_PASSCODE, per_address, since) >= WRONG_PER_ADDRESS):
        raise Throttled(_("Too many wrong passcodes. For your family's safety, please wait 15 minutes "
                          "before trying again."))


def purge_attempts() -> int:
    """Forget the throttled attempts that no longer count (older than their window); how many."""
    now = timezone.now()
    deleted = 0
    for kind, window in ((Attempt.Kind.WRONG_PASSCODE, WINDOW), (Attempt.Kind.SUBMISSION, SUBMISSION_WINDOW)):
        deleted += Attempt.objects.filter(kind=kind, at__lt=now - window).delete()[0]
    if deleted:
        audit.record(None, audit.Action.CHANGE, target_type="intake.attempt", actor_label="homeward purge_intake",
                     detail=f"{deleted} throttle record(s) older than their window removed")
    return deleted


# ----------------------------------------------------------------------------- passcodes


def new_passcode() -> str:
    code = "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(12))
    return "-".join(code[i:i + 4] for i in range(0, 12, 4))


def _normal_passcode(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _grant_family_access(case: Case) -> str:
    passcode = new_passcode()
    FamilyAccess.objects.create(case=case, passcode_hash=make_password(_normal_passcode(passcode)))
    return passcode


@functools.cache
def _dummy_hash() -> str:
    return make_password(secrets.token_hex(8))


def open_family_case(reference: str, passcode: str, client: str) -> Case:
    """The case a reference and passcode open, or IntakeError.

    Wrong passcodes are counted only against the address they come from (per reference from it, and in
    all), so no one's guesses from elsewhere can keep a family out; past either limit that address is
    told to wait before any passcode is checked (cheaply: each check costs a password hash), with the
    same answer whether the reference exists."""
    reference = " ".join(reference.split()).upper()[:32]
    _check_passcode_rate(reference, client)
    hashes = FamilyAccess.objects.filter(case__reference=reference).values_list("passcode_hash", "case_id")
    for passcode_hash, case_id in hashes:
        if check_password(_normal_passcode(passcode), passcode_hash):
            case = Case.objects.get(pk=case_id)
            audit.record(None, audit.Action.VIEW, case, actor_label=FAMILY, detail="family status page")
            return case
    if not hashes:
        # Same cost and same answer as a wrong passcode: the page must not tell which references exist.
        check_password(_normal_passcode(passcode), _dummy_hash())
    _note_attempt(Attempt.Kind.WRONG_PASSCODE, *_passcode_keys(reference, client))
    raise IntakeError(_("That reference and passcode do not match. Check both and try again."))


# ----------------------------------------------------------------------------- agents


def link_agent(case: Case, agent: AgentInput, *, report: Report | None, by=None) -> RecruitingAgent | None:
    """Keep the recruiter a report names as his own record (the same phone is the same agent)."""
    return agents.link_agent(case, agent, report=report, by=by, actor_label="" if by else FAMILY)


# ----------------------------------------------------------------------------- cases and reports


def _original_text(entry: Entry) -> str:
    parts = [entry.report.original_text.strip()]
    if entry.last_contact.strip():
        parts.insert(0, f"Last contact: {entry.last_contact.strip()}")
    return "\n".join(p for p in parts if p)


def _create(entry: Entry, *, by, reported_on: date) -> tuple[Case, Report]:
    report = entry.report
    report.original_text = _original_text(entry)
    case = registry.create_case(
        person=entry.person, origin_country=entry.origin_country, host_country=entry.host_country or host_country(),
        reported_on=PartialDate(reported_on.year, reported_on.month, reported_on.day), recorded_by=by,
        office=entry.office, report=report,
        recruitment=registry.RecruitmentInput(left_home_on=entry.left_home_on, promised_job=entry.agent.promised,
                                              recruiting_agent_as_told=entry.agent.text()),
    )
    report_row = case.reports.get()
    link_agent(case, entry.agent, report=report_row, by=by)
    return case, report_row


@transaction.atomic
def open_case(entry: Entry, *, by) -> Case:
    """An officer opens a new case (after seeing the possible existing ones).

    The case must be one the officer may see (his office, his country): otherwise nothing is kept."""
    case, _report = _create(entry, by=by, reported_on=entry.report.received_on)
    if not visible_cases(by).filter(pk=case.pk).exists():
        raise IntakeError(_("This case would be outside the cases you may see (another office or country), "
                            "so it was not opened. Choose your own office and country."))
    return case


@transaction.atomic
def add_to_case(case: Case, entry: Entry, *, by=None) -> Report:
    """A new report on an existing case; names not yet known for the person are added to it."""
    entry.report.original_text = _original_text(entry)
    report = registry.add_report(case=case, report=entry.report, recorded_by=by)
    known = {n.casefold() for n in case.person.names.values_list("full_name", flat=True)}
    new_names = [n for n in entry.person.names if n.resolved_full_name() and n.resolved_full_name().casefold() not in known]
    registry.add_names(case.person, new_names, recorded_by=by)
    link_agent(case, entry.agent, report=report, by=by)
    return report


@dataclass
class Receipt:
    case: Case
    passcode: str
    review: ReviewItem | None


@transaction.atomic
def submit_family_report(entry: Entry, *, client: str, email: str = "") -> Receipt:
    """A family's report: a case with its own reference and passcode; a probable duplicate waits for an officer."""
    _check_submission_rate(client)
    _note_attempt(Attempt.Kind.SUBMISSION, f"ip:{client}")
    # Only cases of the report's own origin country: a family reporting to one country's system reports
    # one of its nationals (so a case of another origin is ruled out, not merely hidden), and a review
    # pairing cases of two origins would be seen by no officer (each sees one country's cases, and the
    # queue shows an item only to whom sees both sides).
    matches = duplicates.find(entry.record(), limit=1, threshold=duplicates.REVIEW,
                              within=Case.objects.filter(origin_country=entry.origin_country))
    case, _report = _create(entry, by=None, reported_on=timezone.now().date())
    passcode = _grant_family_access(case)
    review = None
    if matches:
        review = queue_review(case, matches[0], origin=FAMILY)
    audit.record(None, audit.Action.CREATE, case, actor_label=FAMILY, detail="family report submitted")
    contact_phone = entry.report.contact
    transaction.on_commit(lambda: notifier().send(Message(
        email=email, phone=contact_phone, subject=_("Your Homeward case reference"),
        body=_("Case reference: %(reference)s\nPasscode: %(passcode)s\nKeep the passcode secret: with the "
               "reference it opens the case's status page.") % {"reference": case.reference, "passcode": passcode},
    )))
    return Receipt(case, passcode, review)


@transaction.atomic
def add_family_information(case: Case, *, text: str, reporter_name: str, relation: str, contact: str,
                           consent_to_share: bool) -> Report:
    report = registry.add_report(case=case, report=registry.ReportInput(
        source_type=Report.SourceType.FAMILY, received_on=timezone.now().date(), reporter_name=reporter_name,
        relation=relation, contact=contact, channel=Report.Channel.WEB_FORM, original_text=text,
        consent_to_share=consent_to_share))
    audit.record(None, audit.Action.CREATE, report, actor_label=FAMILY, detail=f"information added to {case.reference}")
    return report


# ----------------------------------------------------------------------------- duplicate reviews


def queue_review(case: Case, match: duplicates.Match, *, origin: str, by=None) -> ReviewItem:
    item = ReviewItem.objects.create(case=case, candidate_id=match.case_id, probability=match.probability,
                                     explanation=match.explanation, origin=origin, created_at=timezone.now())
    audit.record_change(by, item, action=audit.Action.CREATE, actor_label="" if by else origin, after={
        "case": case.reference, "candidate": match.reference, "probability": round(match.probability, 4)})
    return item


@transaction.atomic
def decide_review(item: ReviewItem, *, same_person: bool, by, note: str) -> ReviewItem:
    """An officer's decision: the same man (the newer case is merged into the older) or different people."""
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if item.state != ReviewItem.State.OPEN:
        raise IntakeError(_("This possible duplicate was already decided."))
    if same_person:
        merging.merge_cases(item.candidate, item.case, by, note or "same person (duplicate review)")
    item.state = ReviewItem.State.MERGED if same_person else ReviewItem.State.DISTINCT
    item.decided_at, item.decided_by = timezone.now(), by
    item.save(update_fields=["state", "decided_at", "decided_by"])
    audit.record_change(by, item, after={"state": item.state, "note": note})
    return item
