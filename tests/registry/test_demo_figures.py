"""The demo scenario's figures, through the library and the `figures` command.

Every test here uses the demo, seeded once for the module (`demo_data`).
"""
import json
from datetime import date

import pytest
from django.core.management import call_command

from homeward.demo.scenario import FIRST_FIGURES_DAY, SECOND_FIGURES_DAY, seed_demo
from homeward.registry.figures import compare, figures
from homeward.registry.lifecycle import BUCKETS
from homeward.registry.models import Case

from .test_figures import end_of


@pytest.fixture
def demo(demo_data, db):
    pass


def test_demo_reproduces_the_statement_of_9_august_2024(demo):
    counts = figures(FIRST_FIGURES_DAY, end_of(FIRST_FIGURES_DAY)).counts
    assert counts == {"known": 91, "killed": 8, "discharged": 14, "missing": 0, "prisoner": 0, "remaining": 69}


def test_demo_reproduces_the_statement_of_17_january_2025(demo):
    counts = figures(SECOND_FIGURES_DAY, end_of(SECOND_FIGURES_DAY)).counts
    assert counts == {"known": 126, "killed": 12, "discharged": 96, "missing": 16, "prisoner": 0, "remaining": 2}


def test_demo_corrections_make_9_august_2024_read_differently_now(demo):
    comparison = compare(FIRST_FIGURES_DAY, end_of(FIRST_FIGURES_DAY))
    assert comparison.as_corrected.counts != comparison.as_known_then.counts
    reasons = {change.why for change in comparison.changes}
    assert {"learned later", "corrected since"} <= reasons
    then, now = comparison.as_known_then.counts, comparison.as_corrected.counts
    explained = {b: 0 for b in BUCKETS}
    for change in comparison.changes:
        if change.then:
            explained[change.then] -= 1
        if change.now:
            explained[change.now] += 1
    assert all(now[b] - then[b] == explained[b] for b in BUCKETS)


def test_demo_is_deterministic_and_loads_once(demo):
    before = list(Case.objects.values_list("reference", "status"))
    assert seed_demo() is False
    assert list(Case.objects.values_list("reference", "status")) == before


def test_origin_filter_and_breakdowns(demo):
    today = date.today()
    everyone = figures(today)
    india = figures(today, origin="IN")
    nepal = figures(today, origin="np")
    assert india.counts["known"] + nepal.counts["known"] == everyone.counts["known"]
    assert nepal.counts["known"] == 10
    by_origin = everyone.breakdown("origin_country")
    assert by_origin["IN"] == india.counts and by_origin["NP"] == nepal.counts
    assert sum(r["known"] for r in everyone.breakdown("home_state").values()) == everyone.counts["known"]


def test_figures_json_has_exactly_the_bucket_keys(demo, capsys):
    call_command("figures", "--on", "2024-08-09", "--known-at", "2024-08-09T23:59", "--format", "json")
    assert json.loads(capsys.readouterr().out) == {
        "known": 91, "killed": 8, "discharged": 14, "missing": 0, "prisoner": 0, "remaining": 69}


def test_figures_csv_and_origin_filter(demo, capsys):
    call_command("figures", "--on", "2025-01-17", "--known-at", "2025-01-17", "--origin", "IN", "--format", "csv")
    assert capsys.readouterr().out.splitlines() == [
        "known,killed,discharged,missing,prisoner,remaining", "126,12,96,16,0,2"]


def test_figures_table_shows_both_views_and_the_cases_that_differ(demo, capsys):
    call_command("figures", "--on", "2024-08-09", "--known-at", "2024-08-09")
    out = capsys.readouterr().out
    assert "known at 2024-08-09 23:59" in out and "as corrected since" in out
    assert "(learned later)" in out and "(corrected since)" in out


