"""An officer finds a case by a name in another script, records what happened, and sees it on the timeline."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest

from homeward.accounts.models import User
from homeward.demo.scenario import DEMO_PASSWORD, seed_demo
from homeward.registry import services
from homeward.registry.lifecycle import Event
from homeward.registry.models import event_label
from homeward.registry.models import Case, Script
from homeward.registry.selectors import next_events
from tabular import PartialDate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Merges go through their own service, so the form offering them is not the path under test.
NOT_FROM_THIS_FORM = {Event.MERGED}


def _open_for_events(case: Case) -> bool:
    return any(e not in NOT_FROM_THIS_FORM for e in next_events(case))


def _cyrillic_demo_case() -> tuple[Case, str]:
    """A demo case identified by the host (so it has a Cyrillic name) that can still move on."""
    for case in Case.objects.filter(origin_country="IN").select_related("person").order_by("reference"):
        cyrillic = [n for n in case.person.names.all() if n.script == Script.CYRILLIC]
        if cyrillic and _open_for_events(case):
            # The family name as a clerk would type it (title case), so the search must fold case too.
            return case, cyrillic[0].full_name.split()[-1].title()
    pytest.fail("the demo has no identified Indian case that can still take an event")


def _devanagari_case(officer) -> tuple[Case, str]:
    """A case reported by a family in Devanagari; made here because the demo's random draw may have none."""
    day = _today() - timedelta(days=30)
    case = services.create_case(
        person=services.PersonInput(
            names=[
                services.NameInput(given_name="Sunil", family_name="Thapa", source="family report"),
                services.NameInput(full_name="सुनील थापा", source="family form"),
            ],
            home_state="Bihar",
        ),
        origin_country="IN",
        host_country="RU",
        reported_on=PartialDate(day.year, day.month, day.day),
        recorded_at=datetime.combine(day, time(10), tzinfo=timezone.utc),
        recorded_by=officer,
    )
    return case, "सुनील"


def _today() -> date:
    # The form refuses dates after the local today and the lifecycle dates after the UTC one.
    return min(date.today(), datetime.now(timezone.utc).date())


def _assert_no_server_error(page) -> None:
    assert not page.server_errors, page.server_errors
    assert "Server Error" not in page.content()
    assert "Traceback" not in page.content()


def _log_in(page) -> None:
    response = page.goto("/accounts/login/")
    assert response.ok, response.status
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    _assert_no_server_error(page)


def _search_open_and_record(page, case: Case, fragment: str, screenshot) -> None:
    _log_in(page)
    page.fill("input[name=q]", fragment)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]q="))
    _assert_no_server_error(page)
    results = page.locator("table.cases tbody")
    assert fragment.casefold() in results.inner_text().casefold()
    page.click(f"table.cases a:text-is('{case.reference}')")
    page.wait_for_url(f"**/cases/{case.reference}/")
    _assert_no_server_error(page)

    form = page.locator("form#add-event")
    offered = [v for v in form.locator("select[name=kind] option").evaluate_all("os => os.map(o => o.value)") if v]
    kind = next(Event(v) for v in offered if Event(v) not in NOT_FROM_THIS_FORM)
    note = f"browser test: {kind.value} for {case.reference}"
    form.locator("select[name=kind]").select_option(kind.value)
    # Today is never earlier than the case's latest event, which the lifecycle would refuse.
    form.locator("input[name=occurred_on]").fill(_today().isoformat())
    form.locator("input[name=source]").fill("embassy")
    form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    _assert_no_server_error(page)

    assert f"Recorded: {event_label(kind)}" in page.content(), page.locator("body").inner_text()
    latest = page.locator("ol.timeline > li").filter(has_text=note)
    assert latest.count() == 1
    assert event_label(kind) in latest.inner_text()
    assert _today().isoformat() in latest.inner_text()
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0
    case.refresh_from_db()
    assert case.status == kind.value


def test_officer_finds_case_by_cyrillic_name_and_records_an_event(page, tmp_path):
    seed_demo()
    case, fragment = _cyrillic_demo_case()
    assert re.search(r"[\u0400-\u04FF]", fragment)
    _search_open_and_record(page, case, fragment, tmp_path / "cyrillic.png")


def test_officer_finds_case_by_devanagari_name_and_records_an_event(page, tmp_path):
    seed_demo()
    case, fragment = _devanagari_case(User.objects.get(username="officer"))
    _search_open_and_record(page, case, fragment, tmp_path / "devanagari.png")
