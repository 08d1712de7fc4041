"""Recruiting agents as reports name them: kept as their own records and linked to the cases they sent.

One rule decides when two reports name the same agent, for the family and officer forms and for
uploaded registers alike: the same phone (its last ten digits) is the same agent; without a phone
match, the same name, agency and city (case aside) are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from homeward import inserts
from homeward.audit import services as audit

from . import names
from .models import Case, CaseAgent, RecruitingAgent, Report


@dataclass
class AgentInput:
    name: str = ""
    phone: str = ""
    agency: str = ""
    city: str = ""
    promised: str = ""

    def __bool__(self) -> bool:
        return any((self.name.strip(), self.phone.strip(), self.agency.strip()))

    def text(self) -> str:
        """How the report put it, in one line: 'Rakesh · +91 99999 11111 · Sky Jobs · Delhi'."""
        return " · ".join(p for p in (self.name, self.phone, self.agency, self.city) if p.strip())


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-10:]


def _cleaned(agent: AgentInput) -> tuple[str, str, str, str]:
    name, agency, city = (" ".join(names.clean(v).split()) for v in (agent.name, agent.agency, agent.city))
    return name[:200], " ".join(agent.phone.split())[:64], agency[:200], city[:100]


class AgentBook:
    """The agents on record, keyed by that rule; read once, then kept up to date as agents are added."""

    def __init__(self):
        self.by_phone: dict[str, int] = {}
        self.by_name: dict[tuple[str, str, str], int] = {}
        for pk, name, phone, agency, city in RecruitingAgent.objects.order_by("pk").values_list(
                "pk", "name", "phone", "agency", "city"):
            self.remember(pk, name, phone, agency, city)

    def remember(self, pk: int, name: str, phone: str, agency: str, city: str) -> None:
        if _digits(phone):
            self.by_phone.setdefault(_digits(phone), pk)
        if name:
            self.by_name.setdefault((name.casefold(), agency.casefold(), city.casefold()), pk)

    def resolve(self, real) -> None:
        """Replace stand-in keys (of agents not yet written) by `real(key)`."""
        for table in (self.by_phone, self.by_name):
            for key, pk in table.items():
                if pk < 0:
                    table[key] = real(pk)

    def find(self, name: str, phone: str, agency: str, city: str) -> int | None:
        found = self.by_phone.get(_digits(phone)) if _digits(phone) else None
        if found is None and name:
            found = self.by_name.get((name.casefold(), agency.casefold(), city.casefold()))
        return found


def link_agent(case: Case, agent: AgentInput, *, report: Report | None, by=None,
               actor_label: str = "") -> RecruitingAgent | None:
    """Keep the recruiter a report names as his own record, and link him to the case (once)."""
    if not agent:
        return None
    name, phone, agency, city = _cleaned(agent)
    found_pk = AgentBook().find(name, phone, agency, city)
    if found_pk is None:
        found = RecruitingAgent.objects.create(name=name, phone=phone, agency=agency, city=city)
        audit.record_change(by, found, action=audit.Action.CREATE, actor_label=actor_label,
                            after={"name": name, "phone": phone, "agency": agency, "city": city})
    else:
        found = RecruitingAgent.objects.get(pk=found_pk)
    link, created = CaseAgent.objects.get_or_create(case=case, agent=found, defaults={
        "report": report, "promised": " ".join(agent.promised.split())[:300]})
    if created:
        audit.record_change(by, case, actor_label=actor_label,
                            after={"recruiting_agent": found.pk, "promised": link.promised})
    return found


def link_agents(items: list[tuple[Case, Report | None, AgentInput]], *, by=None,
                book: AgentBook | None = None) -> list[str]:
    """link_agent for many reports at once (call inside a transaction): what each report named, as
    text ('' where it names no agent). Pass one `book` along when calling chunk after chunk."""
    book = book or AgentBook()
    new_agents: list[tuple[str, str, str, str]] = []
    chosen: list[tuple[Case, Report | None, AgentInput, int]] = []
    for case, report, agent in items:
        if not agent:
            continue
        key = _cleaned(agent)
        found = book.find(*key)
        if found is None:
            # Not on record, nor named by an earlier report of these: a new agent, numbered -1, -2…
            # until the database gives him his key.
            found = -len(new_agents) - 1
            new_agents.append(key)
            book.remember(found, *key)
        chosen.append((case, report, agent, found))
    new_pks = inserts.insert(RecruitingAgent, ("name", "phone", "agency", "city"), new_agents, returning=True)
    book.resolve(lambda pk: new_pks[-pk - 1] if pk < 0 else pk)
    audit.record_rows(by, (("registry.recruitingagent", pk, _label(pk, name, agency, city),
                            {"name": name, "phone": phone, "agency": agency, "city": city})
                           for pk, (name, phone, agency, city) in zip(new_pks, new_agents)), action=audit.Action.CREATE)
    linked = set(CaseAgent.objects.filter(case_id__in={case.pk for case, *_rest in chosen})
                 .values_list("case_id", "agent_id")) if chosen else set()
    links = []
    for case, report, agent, found in chosen:
        agent_pk = new_pks[-found - 1] if found < 0 else found
        if (case.pk, agent_pk) not in linked:
            linked.add((case.pk, agent_pk))
            links.append((case, agent_pk, report.pk if report else None, " ".join(agent.promised.split())[:300]))
    inserts.insert(CaseAgent, ("case_id", "agent_id", "report_id", "promised"),
                   [(case.pk, agent_pk, report_pk, promised) for case, agent_pk, report_pk, promised in links])
    audit.record_rows(by, (("registry.case", case.pk, str(case), {"recruiting_agent": agent_pk, "promised": promised})
                           for case, agent_pk, _report_pk, promised in links), action=audit.Action.CHANGE)
    return [agent.text() if agent else "" for _case, _report, agent in items]


def _label(pk: int, name: str, agency: str, city: str) -> str:
    """str() of the RecruitingAgent row."""
    return " · ".join(p for p in (name, agency, city) if p) or f"agent #{pk}"
