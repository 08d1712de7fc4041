from datetime import date

import pytest
from django.urls import reverse

from homeward.audit.models import AuditEntry
from homeward.registry import merging
from homeward.registry.figures import figures
from homeward.registry.models import Case
from homeward.registry.services import RegistryError, ReportInput, add_report

from ..conftest import at


@pytest.fixture
def pair(make_case):
    older = make_case("Harpreet Singh", reported="2024-03-01", recorded="2024-03-02T10:00")
    newer = make_case("Harprit Sing", reported="2024-04-01", recorded="2024-04-02T10:00")
    add_report(case=newer, report=ReportInput(source_type="mp", received_on=date(2024, 4, 1),
                                              reporter_name="Office of an MP", original_text="letter about Harprit"),
               recorded_at=at("2024-04-02T10:00"))
    return older, newer


def test_merge_keeps_everything_and_adds_a_merged_event(pair, officer):
    older, newer = pair
    event = merging.merge_cases(older, newer, officer, "same passport", recorded_at=at("2024-06-01T09:00"))
    newer.refresh_from_db()
    assert newer.status == "merged" and event.kind == "merged" and event.details == {"into": older.reference}
    assert newer.reports.count() == 1 and newer.events.count() == 2  # nothing moved or deleted
    assert merging.absorbed_cases(older) == [newer]
    assert merging.survivor_of(newer) == older
    assert AuditEntry.objects.filter(target_type="registry.case", target_id=str(newer.pk),
                                     changes__after__merged_into=older.reference).exists()


def test_unmerge_restores_both(pair, officer):
    older, newer = pair
    merge = merging.merge_cases(older, newer, officer, "same passport", recorded_at=at("2024-06-01T09:00"))
    undo = merging.unmerge_cases(newer, officer, "different fathers' names", recorded_at=at("2024-06-05T09:00"))
    newer.refresh_from_db()
    assert newer.status == "reported" and undo.corrects == merge and undo.kind == "unmerged"
    assert merging.absorbed_cases(older) == []
    # And it can be merged again later.
    merging.merge_cases(older, newer, officer, "confirmed after all", recorded_at=at("2024-06-09T09:00"))
    newer.refresh_from_db()
    assert newer.status == "merged"


def test_a_merge_never_changes_figures_for_dates_before_it(pair, officer):
    older, newer = pair
    before_merge = at("2024-05-31T23:00")
    may = figures(date(2024, 5, 1), before_merge)
    assert may.counts["remaining"] == 2
    merging.merge_cases(older, newer, officer, "same person", recorded_at=at("2024-06-01T09:00"))
    # Figures for May, whether as known then or as known now, still count both cases.
    assert figures(date(2024, 5, 1), before_merge).counts == may.counts
    assert figures(date(2024, 5, 1)).counts == may.counts
    # From the merge on, the man is counted once.
    assert figures(date(2024, 6, 2)).counts["remaining"] == 1
    merging.unmerge_cases(newer, officer, "not the same", recorded_at=at("2024-06-05T09:00"))
    assert figures(date(2024, 6, 2), at("2024-06-04T00:00")).counts["remaining"] == 1  # as known then
    assert figures(date(2024, 6, 6)).counts["remaining"] == 2


@pytest.mark.parametrize("problem", ["itself", "no note", "twice", "into merged"])
def test_refused_merges(pair, officer, make_case, problem):
    older, newer = pair
    with pytest.raises(RegistryError):
        if problem == "itself":
            merging.merge_cases(older, older, officer, "x")
        elif problem == "no note":
            merging.merge_cases(older, newer, officer, " ")
        elif problem == "twice":
            merging.merge_cases(older, newer, officer, "x")
            merging.merge_cases(older, newer, officer, "x")
        else:
            third = make_case("Harpreet S")
            merging.merge_cases(older, newer, officer, "x")
            merging.merge_cases(newer, third, officer, "x")


def test_unmerge_needs_a_merge(pair, officer):
    with pytest.raises(RegistryError, match="not merged"):
        merging.unmerge_cases(pair[1], officer, "x")


def test_survivor_page_shows_absorbed_reports_with_their_origin(client, officer, pair):
    older, newer = pair
    client.force_login(officer)
    client.post(reverse("intake:merge", args=[older.reference]), {"absorbed": newer.reference, "note": "same man"})
    html = client.get(reverse("registry:case_detail", args=[older.reference])).content.decode()
    assert f"From merged case" in html and "letter about Harprit" in html and f"origin: {newer.reference}" in html
    absorbed_page = client.get(reverse("registry:case_detail", args=[newer.reference])).content.decode()
    assert "This case is merged into" in absorbed_page
    client.post(reverse("intake:unmerge", args=[newer.reference]), {"note": "wrong"})
    assert Case.objects.get(pk=newer.pk).status == "reported"


def test_merging_a_case_out_of_scope_is_refused(client, officer, make_case):
    mine = make_case("Harpreet Singh")
    nepali = make_case("Bikash Gurung", origin="NP")
    client.force_login(officer)
    response = client.post(reverse("intake:merge", args=[mine.reference]), {"absorbed": nepali.reference, "note": "x"},
                           follow=True)
    assert "No case" in response.content.decode() and Case.objects.get(pk=nepali.pk).status == "reported"
    assert client.post(reverse("intake:merge", args=[nepali.reference]), {"absorbed": mine.reference,
                                                                          "note": "x"}).status_code == 404
