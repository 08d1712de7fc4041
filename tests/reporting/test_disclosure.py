"""What the figures pages, exports, charts and the brief give away, to whom.

- the by=state / by=origin dashboards answer (each breakdown suppressed once);
- an analyst's tables cannot be undone by subtraction, and the charts draw only what the tables show;
- an embassy's officer is named only the changed cases he may open, and those reads are audited;
- an analyst is named no case at all;
- a statement's marks and verdict say nothing about a hidden figure.
"""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse

from homeward.access import suppression
from homeward.accounts.models import Office, User
from homeward.audit.models import AuditEntry
from homeward.registry.models import Case, CaseGrant
from homeward.reporting import services, views
from homeward.reporting.models import PublishedStatement

QUERY = {"on": "2024-08-09", "known_at": "2024-08-09"}
BUCKETS = ("killed", "discharged", "missing", "prisoner", "remaining")
REFERENCE = re.compile(r"\b(IN|NP)-20\d\d-\w+")


def gives_away(total, parts) -> bool:
    hidden = [p for p in parts if suppression.is_hidden(p)]
    count = len(hidden) + suppression.is_hidden(total)
    if count == 1:
        return True
    if count and not suppression.is_hidden(total):
        beyond = total - sum(p for p in parts if not suppression.is_hidden(p)) - 5 * hidden.count(suppression.HIDDEN)
        return beyond < 5
    return False


def assert_protected(total, rows):
    for row in [total, *rows.values()]:
        assert not gives_away(row["known"], [row[b] for b in BUCKETS]), row
    for column in ("known", *BUCKETS):
        parts = [row[column] for row in rows.values()]
        assert not gives_away(total[column], parts) or all(suppression.is_hidden(p) for p in parts), column


@pytest.mark.parametrize("by", ["state", "origin"])
def test_dashboard_exports_and_brief_answer_when_the_breakdown_is_by_state_or_origin(client, demo, analyst, by):
    for user in (analyst, demo):
        client.force_login(user)
        query = {**QUERY, "by": by}
        assert client.get(reverse("reporting:dashboard"), query).status_code == 200
        for table in ("state", "origin"):
            for fmt in ("csv", "xlsx"):
                response = client.get(reverse("reporting:export"), {**query, "table": table, "format": fmt})
                assert response.status_code == 200, (user, table, fmt)
        brief = client.get(reverse("reporting:brief"), query)
        assert brief.status_code == 200 and brief.content.startswith(b"%PDF")


@pytest.mark.parametrize("by", ["state", "origin", "district", "agent", "partner", "month"])
def test_the_analysts_dashboard_cannot_be_undone_by_subtraction(client, demo, analyst, by):
    client.force_login(analyst)
    for query in ({**QUERY, "by": by}, {"on": "2025-06-30", "by": by}):
        context = client.get(reverse("reporting:dashboard"), query).context
        now = context["figures"][-1]
        for row in context["figures"]:
            assert not gives_away(row["known"], [row[b] for b in BUCKETS]), row
        for rows in (context["by_state"], context["by_origin"], context["by_other"]):
            assert_protected(now, rows)


def test_the_reviewers_example_is_closed_in_the_api_and_on_the_dashboard(client, demo, analyst):
    # As corrected since: 94 known, 9 killed, 14 discharged, 71 remaining: missing and prisoner
    # would both be exactly 0.
    from rest_framework.test import APIClient

    from homeward.api.tokens import issue_token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(analyst, 'tests')}")
    body = api.get("/api/v1/figures/", {"on": "2024-08-09"}).json()
    assert (body["known"], body["missing"], body["prisoner"], body["remaining"]) == (94, "<5", "<5", 71)
    assert not gives_away(body["known"], [body[b] for b in BUCKETS])
    assert_protected(body, body["by_home_state"])
    client.force_login(analyst)
    dashboard = client.get(reverse("reporting:dashboard"), QUERY).context["figures"][-1]
    assert {c: dashboard[c] for c in ("known", *BUCKETS)} == {c: body[c] for c in ("known", *BUCKETS)}


def test_charts_draw_only_what_the_analysts_tables_show(client, demo, analyst, monkeypatch):
    drawn = {}
    monkeypatch.setattr(views.charts, "bars_by_group", lambda rows, **kw: drawn.setdefault("states", rows) and b"<svg/>")
    monkeypatch.setattr(views.charts, "buckets_over_time", lambda points, **kw: drawn.setdefault("series", points) and b"<svg/>")
    client.force_login(analyst)
    context = client.get(reverse("reporting:dashboard"), QUERY).context
    client.get(reverse("reporting:chart", args=["states"]), QUERY)
    client.get(reverse("reporting:chart", args=["series"]), QUERY)
    assert drawn["states"] == suppression.drawable(context["by_state"])
    series = client.get(reverse("reporting:series"), QUERY).context["series"]
    assert [(d.isoformat(), c) for d, c in drawn["series"]] == list(suppression.drawable(series).items())
    for group, row in drawn["states"].items():
        assert all(v == 0 or v == context["by_state"][group][b] for b, v in row.items())


@pytest.fixture
def consular_officer(demo):
    """An officer of a consulate that holds no case, granted one of the cases counted differently."""
    consulate = Office.objects.create(code="in-consulate-kazan", name="Consulate of India, Kazan", country="IN")
    officer = User.objects.create_user("kazan", role=User.Role.MISSION_OFFICER, office=consulate, country="IN")
    from homeward.reporting import selectors

    changes = selectors.dashboard(date(2024, 8, 9), selectors.end_of_day(date(2024, 8, 9)), "IN").changes
    assert len(changes) == 4
    granted = Case.objects.get(reference=changes[0].reference)
    CaseGrant.objects.create(case=granted, user=officer)
    return officer, granted, [c.reference for c in changes[1:]]


def test_an_embassy_officer_sees_only_the_changed_cases_he_may_open(client, consular_officer):
    officer, granted, others = consular_officer
    client.force_login(officer)
    html = client.get(reverse("reporting:dashboard"), QUERY).content.decode()
    assert granted.reference in html and not any(ref in html for ref in others)
    assert "3 more cases are counted differently but are outside your scope" in html
    reads = AuditEntry.objects.filter(user=officer, action="view", target_type="registry.case")
    assert list(reads.values_list("target_id", flat=True)) == [str(granted.pk)]
    export = client.get(reverse("reporting:export"), {**QUERY, "table": "changes", "format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(export)))
    assert [row[0] for row in rows[1:]] == [granted.reference]
    assert reads.count() == 2
    page = client.get(reverse("registry:figures"), QUERY)
    assert [c.reference for c in page.context["changes"]] == [granted.reference]
    assert page.context["changes_hidden"] == 3 and not any(ref in page.content.decode() for ref in others)
    assert reads.count() == 3


def test_the_statement_page_names_an_embassy_officer_only_his_cases(client, consular_officer):
    officer, granted, others = consular_officer
    client.force_login(officer)
    pk = PublishedStatement.objects.get(forum="Lok Sabha, written answer").pk
    html = client.get(reverse("reporting:statement", args=[pk])).content.decode()
    assert granted.reference in html and not any(ref in html for ref in others)
    assert "3 more cases are outside your scope" in html
    assert list(AuditEntry.objects.filter(user=officer, target_type="registry.case")
                .values_list("target_id", flat=True)) == [str(granted.pk)]


def test_an_analyst_is_named_no_case_anywhere(client, demo, analyst):
    from rest_framework.test import APIClient

    from homeward.api.tokens import issue_token

    client.force_login(analyst)
    pages = [client.get(reverse("reporting:dashboard"), {**QUERY, "by": by}) for by in ("state", "district", "agent")]
    pages += [client.get(reverse("reporting:series"), QUERY), client.get(reverse("reporting:brief"), QUERY),
              client.get(reverse("registry:figures"), QUERY), client.get(reverse("reporting:statements"))]
    pages += [client.get(reverse("reporting:export"), {**QUERY, "table": t, "format": "csv"})
              for t in ("figures", "state", "origin", "series", "agent")]
    pages += [client.get(reverse("reporting:statement", args=[s.pk])) for s in PublishedStatement.objects.all()]
    pages += [client.get(reverse("reporting:statement", args=[s.pk]), {"format": "csv"})
              for s in PublishedStatement.objects.all()]
    for response in pages:
        assert response.status_code == 200
        assert not REFERENCE.search(response.content.decode("latin-1")), response.request
    assert client.get(reverse("reporting:export"), {**QUERY, "table": "changes", "format": "csv"}).status_code == 404
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(analyst, 'tests')}")
    assert not REFERENCE.search(api.get("/api/v1/figures/", {"on": "2024-08-09", "known_at": "2024-08-09"}).content.decode())
    assert not AuditEntry.objects.filter(user=analyst, target_type="registry.case").exists()


def test_a_statement_tells_an_analyst_nothing_about_a_hidden_figure(client, demo, analyst):
    # As known on 9 Aug 2024 the registry had 0 missing: a statement of 2 differs, but an analyst
    # sees "<5" there, and a mark or the verdict would tell him it is not 2.
    statement = services.record_statement(
        published_on=date(2024, 8, 9), forum="Question hour", text="91 known, 2 missing.", origin_country="IN",
        numbers={"known": 91, "missing": 2, "remaining": 69})
    client.force_login(analyst)
    response = client.get(reverse("reporting:statement", args=[statement.pk]))
    html = response.content.decode()
    lines = {line["figure"]: line for line in response.context["lines"]}
    assert lines["missing"]["then"] == "<5" and not lines["missing"]["stated_differs"]
    assert not any(line["corrected_differs"] for line in lines.values() if suppression.is_hidden(line["now"]))
    row = re.search(r"<tr><th>missing</th>(.*?)</tr>", html, re.S).group(1)
    assert "differs" not in row
    verdict = re.search(r'<p id="verdict">(.*?)</p>', html, re.S).group(1)
    assert "differs" not in verdict and "reproduces the statement exactly" not in verdict
    assert "compared with nothing" in verdict
    # An officer still sees the difference, marked.
    client.force_login(demo)
    html = client.get(reverse("reporting:statement", args=[statement.pk])).content.decode()
    assert 'class="differs">2<' in html and "The statement differs from the registry" in html
