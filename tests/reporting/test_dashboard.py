import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from homeward.audit.models import AuditEntry
from homeward.registry.figures import figures
from homeward.reporting import brief, selectors
from homeward.reporting.selectors import end_of_day

DAY1, DAY2 = date(2024, 8, 9), date(2025, 1, 17)


def test_every_month_of_the_series_agrees_with_figures_on_that_day(demo):
    for known_at in (end_of_day(DAY2), None):
        points = selectors.buckets_by_month(DAY2, known_at)
        assert points[-1].day == DAY2 and points[0].day == date(2024, 2, 29)
        for point in points:
            assert point.counts == figures(point.day, known_at).counts, point.day


def test_series_respects_origin(demo):
    nepal = selectors.buckets_by_month(date(2025, 8, 31), None, "NP")
    assert nepal[-1].counts == figures(date(2025, 8, 31), origin="NP").counts
    assert nepal[0].day == date(2025, 2, 28)


def test_breakdowns_by_agent_partner_month_and_district_count_every_case(demo):
    result = figures(DAY1, end_of_day(DAY1))
    for by in selectors.BREAKDOWNS:
        rows = selectors.breakdown(result, by)
        assert sum(row["known"] for row in rows.values()) >= 91, by
    months = selectors.breakdown(result, "month")
    assert list(months) == sorted(months, key=lambda key: (key == "(unknown)", key))
    assert sum(r["known"] for r in selectors.breakdown(result, "state").values()) == 91


def test_dashboard_shows_buckets_charts_with_text_equivalents(client, demo):
    client.force_login(demo)
    response = client.get(reverse("reporting:dashboard"), {"on": "2024-08-09", "known_at": "2024-08-09", "by": "month"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Of 91 known, 8 killed, 14 discharged, 0 missing, 0 prisoner, 69 remain." in html
    for name in ("series", "states", "money"):  # each chart beside its text equivalent
        assert f'src="{reverse("reporting:chart", args=[name])}?' in html
        chart = client.get(reverse("reporting:chart", args=[name]), {"on": "2024-08-09", "known_at": "2024-08-09"})
        assert chart["Content-Type"] == "image/svg+xml" and chart.content.startswith(b"<?xml")
        assert "default-src 'none'" in chart["Content-Security-Policy"]
    assert "<figcaption>" in html and 'alt="Stacked chart' in html
    series = client.get(reverse("reporting:series"), {"on": "2024-08-09", "known_at": "2024-08-09"}).content.decode()
    assert "<th>2024-08-09</th><td>91</td><td>8</td><td>14</td><td>0</td><td>0</td><td>69</td>" in series
    assert "learned later: 3" in html and "corrected since: 1" in html
    assert AuditEntry.objects.filter(user=demo, target_type="figures", action="view").exists()


def test_analyst_dashboard_and_exports_suppress_small_cells(client, demo, analyst):
    client.force_login(analyst)
    query = {"on": "2024-08-09", "known_at": "2024-08-09"}
    html = client.get(reverse("reporting:dashboard"), query).content.decode()
    assert "&lt;5" in html and "IN-2024-" not in html and 'id="money-chart"' not in html
    rows = list(csv.reader(io.StringIO(client.get(reverse("reporting:export"),
                                                  {**query, "table": "state", "format": "csv"}).content.decode())))
    assert rows[0][:2] == ["home state", "known"]
    assert all(cell in ("<5", "x") or int(cell) >= 5 for row in rows[1:] for cell in row[1:])
    assert client.get(reverse("reporting:export"), {**query, "table": "changes"}).status_code == 404
    assert AuditEntry.objects.filter(user=analyst, action="export", target_label="figures-by-state.csv").exists()


def test_officer_exports_are_exact_and_xlsx_reads_back(client, demo):
    client.force_login(demo)
    query = {"on": "2024-08-09", "known_at": "2024-08-09"}
    response = client.get(reverse("reporting:export"), {**query, "table": "figures", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["view", "known", "killed", "discharged", "missing", "prisoner", "remaining"]
    assert rows[1] == ["as known on 2024-08-09", 91, 8, 14, 0, 0, 69]
    assert rows[2] == ["as corrected since", 94, 9, 14, 0, 0, 71]
    changes = client.get(reverse("reporting:export"), {**query, "table": "changes", "format": "csv"}).content.decode()
    assert changes.count("learned later") == 3
    assert client.get(reverse("reporting:export"), {**query, "table": "nonsense"}).status_code == 404


def test_pdf_brief_contains_the_figures_and_is_audited(client, demo):
    client.force_login(demo)
    response = client.get(reverse("reporting:brief"), {
        "on": "2024-08-09", "known_at": "2024-08-09", "notes": "Answer <b>due</b> (Friday) \\ ok"})
    pdf = response.content
    assert response["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    assert b"(Of 91 known, 8 killed, 14 discharged, 0 missing, 0 prisoner, 69 remain.)" in pdf
    assert b"learned later: 3" in pdf and b"corrected since: 1" in pdf
    assert b"/Subtype /Image" in pdf  # the charts
    assert b"(Answer <) Tj" in pdf  # the notes are text, not reportlab markup
    assert AuditEntry.objects.filter(user=demo, action="export", target_label="brief on 2024-08-09.pdf").exists()


def test_brief_renders_the_same_bytes_twice(demo):
    result = figures(DAY1, end_of_day(DAY1))
    content = brief.BriefContent(title="t", on=DAY1, known_at=None, origin=None, now=result.counts,
                                 by_state=result.breakdown("home_state"))
    assert brief.render(content) == brief.render(content)


@pytest.mark.parametrize("params", [{"on": "not a date"}, {"on": "2024-08-09", "by": "shoe size"}])
def test_bad_queries_get_the_form_back(client, demo, params):
    client.force_login(demo)
    response = client.get(reverse("reporting:dashboard"), params)
    assert response.status_code == 200 and response.context["form"].errors


def test_compare_explains_exactly_the_per_case_difference(demo):
    for on, known in ((DAY1, DAY1), (DAY2, DAY2), (DAY1, DAY2)):
        comparison = selectors.compare(on, end_of_day(known))
        then, now = comparison.as_known_then.cases, comparison.as_corrected.cases
        expected = []
        for case_id in sorted(then.keys() | now.keys()):
            before, after = then.get(case_id), now.get(case_id)
            if not (before and after and before.bucket == after.bucket):
                expected.append(((before or after).reference, before.bucket if before else "",
                                 after.bucket if after else ""))
        assert [(c.reference, c.then, c.now) for c in comparison.changes] == expected


def test_the_breakdowns_say_they_are_as_corrected_since_and_the_views_are_translated(client, demo):
    client.force_login(demo)
    query = {"on": "2024-08-09", "known_at": "2024-08-09", "by": "month"}
    html = client.get(reverse("reporting:dashboard"), query).content.decode()
    assert "<th>as known on 2024-08-09</th><td>91</td>" in html and "<th>as corrected since</th><td>94</td>" in html
    assert "The breakdowns below count the cases as corrected since: what the registry knows now about 2024-08-09." \
        in html
    russian = client.get(reverse("reporting:dashboard"), query, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<th>по сведениям на 2024-08-09</th><td>91</td>" in russian
    assert "<th>с учётом последующих исправлений</th><td>94</td>" in russian
    assert "Разбивки ниже считают дела с учётом последующих исправлений" in russian
    today = client.get(reverse("reporting:dashboard"), {"on": "2024-08-09", "by": "month"}).content.decode()
    assert "<th>as known today</th>" in today and 'id="breakdowns-view"' not in today
