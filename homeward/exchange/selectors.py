"""Reads for the exchange pages: the review queue, the comparison, reconciliation and the case panel."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward import crypto, explanations
from homeward.access import visible_cases
from homeward.access.scoping import exchange_origin, partners_asked_only_for, users_of_origin
from homeward.accounts.models import Partner
from homeward.registry.lifecycle import TRANSITIONS, Event, allowed_events, effective_events
from homeward.registry.models import Case, CaseEvent, event_label
from homeward.registry.services import event_facts
from tabular import PartialDate

from .models import Discrepancy, DiscrepancyEntry, Response, ResponseRow


def host_listed(user, row: str = "") -> Q:
    """Which rows that are nobody's case yet `user` may see (`row`: the path to the ResponseRow from
    the model queried; "" for rows themselves): those of his origin country (`exchange_origin`).

    The row's citizenship as the host gives it decides. A row without one we recognise follows the
    list: a response is the answer to an officer's requests, imported by the service that asked, so the
    men it adds are most likely that country's nationals. A list imported by no origin country's officer
    (the host's liaison, an administrator, the command line) follows the partner, when every request
    ever sent to it named one country's cases only (the usual case: one ministry asks). Otherwise it
    gives no hint and its men are shown to administrators only, because showing a probable Indian's
    passport to Nepal's officers is a disclosure we cannot take back, while the administrators, who see
    the row, can still ask the host for his citizenship or tell the right country's officers.
    """
    origin = exchange_origin(user)
    if origin is None:
        return Q(pk__isnull=False)  # every row; not an empty Q(), which `|` would drop
    if not origin:
        return Q(pk__in=[])
    at = f"{row}__" if row else ""
    imported_by = f"{at}response__imported_by"
    by_no_officer = Q(**{f"{imported_by}__isnull": True}) | ~Q(**{f"{imported_by}__in": users_of_origin(None)})
    return (Q(**{f"{at}citizenship": origin})
            | Q(**{f"{at}citizenship": "", f"{imported_by}__in": users_of_origin(origin)})
            | (Q(**{f"{at}citizenship": "", f"{at}response__partner__in": partners_asked_only_for(origin)})
               & by_no_officer))


def visible_rows(rows: QuerySet[ResponseRow], user) -> QuerySet[ResponseRow]:
    """Rows whose proposed case the user may see, and the host-only rows (nobody's case yet) of his
    origin country (`host_listed`)."""
    return rows.filter(Q(case__in=visible_cases(user)) | Q(case__isnull=True) & host_listed(user))


def unseen_host_listed(response: Response, user) -> int:
    """How many rows of `response` that are nobody's case the user may not see (another country's)."""
    rows = response.response_rows.filter(case__isnull=True)
    return rows.count() - rows.filter(host_listed(user)).count()


def review_queue(response: Response, cases: QuerySet[Case]) -> QuerySet[ResponseRow]:
    """What a person still has to decide: auto and review links not yet accepted or rejected."""
    rows = response.response_rows.filter(link__in=[ResponseRow.Link.AUTO, ResponseRow.Link.REVIEW],
                                         decision__in=[ResponseRow.Decision.PENDING, ResponseRow.Decision.NEED_INFO],
                                         case__in=cases)
    return rows.select_related("case__person").prefetch_related("case__person__names", "case__person__identifiers") \
        .order_by("-decision", "-link", "probability", "number")  # pending before need-info; reviews first, least sure first


@dataclass
class FieldPair:
    label: str
    ours: str
    theirs: str
    same: bool | None
    reason: str


def _dob_display(iso: str) -> str:
    return str(PartialDate.from_iso(iso)) if iso else ""


def comparison(row: ResponseRow) -> list[FieldPair]:
    """Our case and their row, field by field, with the engine's reason for each."""
    case, person = row.case, row.case.person
    reasons = {key: explanations.reason(text)
               for key, text in (row.explanation.get("fields", {}) if row.explanation else {}).items()}
    names = " · ".join(n.full_name for n in person.names.all())
    passports = [i.value for i in person.identifiers.all() if i.kind == "passport"]
    ours_passport, theirs_passport = (passports[0] if passports else ""), row.passport
    pairs = [
        FieldPair(_("name"), names, row.full_name, None, reasons.get("name", "") or reasons.get("full_name", "")),
        FieldPair(_("date of birth"), _dob_display(person.date_of_birth), _dob_display(row.date_of_birth),
                  (person.date_of_birth == row.date_of_birth) if person.date_of_birth and row.date_of_birth else None,
                  reasons.get("date_of_birth", "") or reasons.get("dob", "")),
        FieldPair(_("passport"), crypto.mask(ours_passport) if ours_passport else "",
                  crypto.mask(theirs_passport) if theirs_passport else "",
                  (ours_passport == theirs_passport) if ours_passport and theirs_passport else None,
                  reasons.get("passport_number", "") or reasons.get("passport", "")),
        FieldPair(_("military unit"), case.military_unit, row.military_unit,
                  (case.military_unit == row.military_unit) if case.military_unit and row.military_unit else None, ""),
        FieldPair(_("status"), case.status_label, f"{row.status_word} → {event_label(row.event)}",
                  case.status == row.event, ""),
    ]
    shown = {"name", "full_name", "date_of_birth", "dob", "passport_number", "passport"}
    pairs += [FieldPair(explanations.field(key), "", "", None, text) for key, text in reasons.items() if key not in shown]
    return pairs


@dataclass
class Skipped:
    event: CaseEvent
    unknown: list[Event]


def _path(start: Event | None, goal: Event) -> list[Event]:
    """The shortest chain of lifecycle steps from `start` to just before `goal` (the steps we never saw)."""
    queue, seen = deque([(start, [])]), {start}
    while queue:
        status, steps = queue.popleft()
        for nxt in allowed_events(status):  # in lifecycle order, so the plainest path wins
            if nxt is goal:
                return steps
            if nxt not in seen and nxt is not Event.MERGED:
                seen.add(nxt)
                queue.append((nxt, steps + [nxt]))
    return []


def skipped_steps(case: Case) -> list[Skipped]:
    """The partner's assertions that jump over lifecycle steps, with the steps in between (dates unknown)."""
    standing = effective_events(event_facts(case), timezone.now())
    asserted = {e.pk: e for e in case.events.filter(details__has_key="asserted_by_partner")}
    out, previous = [], None
    for fact in standing:
        if fact.id in asserted and previous is not fact.kind and fact.kind not in TRANSITIONS[previous]:
            # A contradiction has no path (it is a discrepancy, shown as such); a jump has its missing steps.
            if steps := _path(previous, fact.kind):
                out.append(Skipped(asserted[fact.id], steps))
        previous = fact.kind
    return out


def visible_discrepancies(user) -> QuerySet[Discrepancy]:
    """The discrepancies (any state) an officer may see and act on: about a case he may see, or about
    no case: then its row's proposed case is one he may see (a rejected link), or the row is of his
    origin country (`host_listed`)."""
    cases = visible_cases(user)
    return Discrepancy.objects.filter(
        Q(case__in=cases) | Q(case__isnull=True) & (Q(row__case__in=cases) | host_listed(user, "row")))


def open_discrepancies(partner: Partner | None, user) -> QuerySet[Discrepancy]:
    """The unresolved discrepancies (with `partner`, or all) the user may see (`visible_discrepancies`),
    each with its whole thread (`item.entries.all()`): what officers see."""
    return _open(partner, visible_discrepancies(user)).prefetch_related(
        Prefetch("entries", queryset=DiscrepancyEntry.objects.select_related("author", "partner")))


def _open(partner: Partner | None, items: QuerySet[Discrepancy]) -> QuerySet[Discrepancy]:
    items = items.exclude(state=Discrepancy.State.RESOLVED)
    if partner is not None:
        items = items.filter(partner=partner)
    return items.select_related("partner", "case", "row", "owner").order_by("opened_at", "id")


def liaison_discrepancies(partner: Partner, cases: QuerySet[Case]) -> QuerySet[Discrepancy]:
    """What the partner's liaison is asked: the unresolved discrepancies with its agency about `cases`
    (never one about no case: a man it listed whom we do not know is ours to settle), each with only
    the thread entries meant for the partner (`item.shared`): its own answers and the officers' replies
    to it. The officers' internal notes are never read for this page."""
    return _open(partner, Discrepancy.objects.filter(case__in=cases)).prefetch_related(
        Prefetch("entries", queryset=DiscrepancyEntry.objects.filter(for_partner=True), to_attr="shared"))


def thread(item: Discrepancy) -> QuerySet[DiscrepancyEntry]:
    """A discrepancy's whole thread, oldest first: for officers only."""
    return item.entries.select_related("author", "partner").order_by("at", "id")


def age_days(item: Discrepancy) -> int:
    return (timezone.now() - item.opened_at).days


def reconciliation(partner: Partner) -> dict:
    """Per response: matched, agrees, conflicts, ours-only and host-only counts."""
    per_response = []
    for response in partner.responses.order_by("-imported_at"):
        rows = response.response_rows
        outcomes = Counter(rows.filter(decision=ResponseRow.Decision.ACCEPTED).values_list("outcome", flat=True))
        kinds = Counter(response.discrepancies.values_list("kind", flat=True))
        per_response.append({
            "response": response,
            "matched": sum(outcomes.values()),
            "agrees": outcomes[ResponseRow.Outcome.AGREES],
            "updates": outcomes[ResponseRow.Outcome.UPDATES],
            "conflicts": outcomes[ResponseRow.Outcome.CONFLICTS],
            "ours_only": kinds[Discrepancy.Kind.OURS_ONLY],
            "host_only": kinds[Discrepancy.Kind.HOST_ONLY],
            "pending": rows.filter(link__in=["auto", "review"], decision__in=["pending", "need_info"]).count(),
        })
    states = dict(partner.discrepancies.values_list("state").annotate(n=Count("id")))
    return {"partner": partner, "responses": per_response, "states": states}


def case_exchange(case: Case) -> dict | None:
    """What the case panel shows: requests sent, partner answers, skipped steps and discrepancies."""
    items = list(case.discrepancies.select_related("partner", "owner").order_by("-opened_at").prefetch_related(
        Prefetch("entries", queryset=DiscrepancyEntry.objects.select_related("author", "partner"))))
    rows = list(case.response_rows.select_related("response__partner").order_by("-response__imported_at", "number"))
    requests = list(case.request_exports.select_related("partner").order_by("-created_at"))
    skipped = skipped_steps(case)
    if not (items or rows or requests or skipped):
        return None
    return {"discrepancies": items, "rows": rows, "requests": requests, "skipped": skipped}
