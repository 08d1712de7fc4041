from datetime import date

import pytest
from django.urls import reverse

from homeward.reporting import selectors, services
from homeward.reporting.models import PublishedStatement


def statement(forum):
    return PublishedStatement.objects.get(forum=forum)


def test_the_statement_of_9_august_2024_is_reproduced_exactly_as_known_that_day(demo):
    check = selectors.check_statement(statement("Lok Sabha, written answer"))
    assert check.reproduced and not check.sum_warning
    by_figure = {line.figure: (line.stated, line.then, line.now) for line in check.lines}
    assert by_figure["known"] == (91, 91, 94)
    assert by_figure["killed"] == (8, 8, 9)
    assert by_figure["discharged"] == (14, 14, 14)
    assert by_figure["remaining"] == (69, 69, 71)


def test_the_seeded_correction_and_late_reports_explain_the_difference(demo):
    check = selectors.check_statement(statement("Lok Sabha, written answer"))
    assert check.reasons == {"learned later": 3, "corrected since": 1}
    corrected = [c for c in check.changes if c.why == "corrected since"]
    assert [(c.then, c.now) for c in corrected] == [("remaining", "killed")]
    assert all((c.then, c.now) == ("", "remaining") for c in check.changes if c.why == "learned later")


def test_a_statement_that_counts_the_missing_within_remain_is_compared_in_its_own_terms(demo):
    check = selectors.check_statement(statement("Rajya Sabha, written answer"))
    assert check.reproduced and not check.sum_warning
    by_figure = {line.figure: (line.stated, line.then) for line in check.lines}
    assert by_figure["remaining"] == (18, 18) and by_figure["missing"] == (16, 16)


def test_numbers_that_do_not_add_up_are_flagged(demo):
    check = selectors.check_statement(statement("Press briefing"))
    assert check.sum_warning == "9 + 20 + 85 = 114, not 91 as stated"
    assert not check.reproduced


@pytest.mark.parametrize("numbers, message", [
    ({"known": -1}, "not a count"),
    ({"dead": 3}, "unknown figure"),
    ({}, "at least one figure"),
])
def test_bad_statements_are_refused_and_nothing_is_written(demo, numbers, message):
    before = PublishedStatement.objects.count()
    with pytest.raises(services.ReportingError, match=message):
        services.record_statement(published_on=date(2024, 8, 9), forum="x", text="", numbers=numbers)
    assert PublishedStatement.objects.count() == before


def test_statement_page_lists_the_cases_that_explain_it(client, demo):
    client.force_login(demo)
    pk = statement("Lok Sabha, written answer").pk
    html = client.get(reverse("reporting:statement", args=[pk])).content.decode()
    assert "reproduces the statement exactly" in html
    assert html.count("learned later") >= 3 and "corrected since" in html
    listing = client.get(reverse("reporting:statements")).content.decode()
    assert "does not add up" in listing and "9 + 20 + 85 = 114, not 91" in listing


def test_analyst_sees_no_case_references_on_a_statement(client, demo, analyst):
    client.force_login(analyst)
    response = client.get(reverse("reporting:statement", args=[statement("Lok Sabha, written answer").pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "IN-2024-" not in html
    assert "learned later: &lt;5" in html


def test_an_officer_records_a_statement_through_the_form(client, demo):
    client.force_login(demo)
    response = client.post(reverse("reporting:add_statement"), {
        "published_on": "2024-08-09", "forum": "Parliament <b>question</b>", "origin_country": "IN",
        "known": 91, "killed": 8, "discharged": 14, "remaining": 69, "text": "<script>x</script>"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert PublishedStatement.objects.filter(forum="Parliament <b>question</b>").exists()


def test_statement_comparison_exports_as_csv(client, demo):
    client.force_login(demo)
    pk = statement("Lok Sabha, written answer").pk
    text = client.get(reverse("reporting:statement", args=[pk]), {"format": "csv"}).content.decode()
    assert text.splitlines()[:2] == ["figure,stated,then,now", "known,91,91,94"]
