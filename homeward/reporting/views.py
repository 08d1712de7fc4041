from collections import Counter
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward.access import PERSON_LEVEL, RECORDING, Role, figures_origin, suppression, view_access, visible_cases
from homeward.audit import services as audit
from homeward.ledger import selectors as ledger
from homeward.registry.models import Case

from . import brief, charts, selectors, services
from .forms import BY_CHOICES, DashboardForm, StatementForm
from .models import PublishedStatement
from .selectors import COLUMNS, end_of_day

CHANGES_SHOWN = 200
FIGURES_ROLES = {Role.HQ_OFFICER, Role.MISSION_OFFICER, Role.ANALYST, Role.ADMINISTRATOR}


def _query(request):
    """The dashboard's question from the URL; an officer's figures stay within his own origin country."""
    form = DashboardForm(request.GET or {"on": date.today().isoformat()})
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    origin = figures_origin(request.user) or data["origin"].upper() or None
    return form, {"on": data["on"], "known_at": end_of_day(data["known_at"]), "origin": origin,
                  "by": data["by"] or "agent"}


def _query_or_404(request) -> dict:
    """The question of a chart, table or export: their links come from the dashboard's own form."""
    _form, query = _query(request)
    if query is None:
        raise Http404("bad query")
    return query


def _tables(request, query, *, series: bool = False) -> tuple[selectors.Dashboard, dict]:
    """Every table the dashboard shows, suppressed for analysts, keyed by its export name.

    Each breakdown is computed and suppressed once, however many of "state", "origin" and the
    chosen one name it. The monthly series is a query of its own: the page leaves it to its chart
    and its own table.
    """
    user = request.user
    board = selectors.dashboard(query["on"], query["known_at"], query["origin"])
    now, breakdowns = suppression.figures(board.now, user, by=("state", "origin", query["by"]))
    figures = []
    if board.then:
        figures.append({"view": "as known on " + query["known_at"].date().isoformat(),
                        **suppression.counts(board.then.counts, user)})
    figures.append({"view": "as corrected since" if board.then else "as known today", **now})
    tables = {"figures": figures, **breakdowns,
              "series": suppression.table({p.day.isoformat(): p.counts for p in board.series}, user) if series else {}}
    return board, tables


def _chart_data(tables: dict, name: str):
    """What a chart draws: the numbers of its table as the user sees it, hidden cells left out."""
    if name == "series":
        return [(date.fromisoformat(d), c) for d, c in suppression.drawable(tables["series"]).items()]
    return suppression.drawable(tables["state"])


def _visible_changes(request, board: selectors.Dashboard, *, shown: int | None = None, detail: str):
    """The changed cases this user may see (none for aggregate-only roles), how many others there are,
    with the reads of those shown (the first `shown`, or all) on the audit trail."""
    user = request.user
    if user.role not in PERSON_LEVEL:
        return [], 0
    changes, hidden, cases = selectors.visible_changes(board.changes, visible_cases(user))
    changes = changes[:shown] if shown is not None else changes
    audit.record_reads(user, [cases[c.reference] for c in changes], detail=detail)
    return changes, hidden


def _money(user, on):
    if suppression.suppresses(user):
        return {}  # month-by-month sums of a handful of families would identify them
    return ledger.owed_vs_paid(Case.objects.all() if user.role == Role.ANALYST else visible_cases(user), on)


def _figures_label(view: str, query) -> str:
    """A figures row's name on the page, translated (exports keep the English name as a stable key)."""
    if view == "as corrected since":
        return _("as corrected since")
    if view == "as known today":
        return _("as known today")
    return _("as known on %(day)s") % {"day": query["known_at"].date().isoformat()}


@view_access(roles=FIGURES_ROLES)
def dashboard(request):
    form, query = _query(request)
    context = {"form": form}
    if query is None:
        return render(request, "reporting/dashboard.html", context)
    user = request.user
    board, tables = _tables(request, query)
    person_level = user.role in PERSON_LEVEL
    money = _money(user, query["on"])
    # A page lists a few hundred cases at most; the CSV export has them all. Only the cases this
    # user may open are listed (an embassy's officer sees his office's), the others only counted.
    changes, changes_hidden = _visible_changes(request, board, shown=CHANGES_SHOWN,
                                               detail=f"dashboard: counted differently on {query['on']}")
    context.update(
        query=query, figures=[{**row, "label": _figures_label(row["view"], query)} for row in tables["figures"]],
        by_state=tables["state"], by_origin=tables["origin"],
        by_other=tables[query["by"]], by_label=dict(BY_CHOICES)[query["by"]], has_states=board.now.counts["known"] > 0,
        money=money,
        changes=changes, changes_total=len(board.changes) - changes_hidden, changes_hidden=changes_hidden,
        change_reasons=suppression.counts(Counter(c.why for c in board.changes), user),
        sentence_counts=tables["figures"][0], person_level=person_level, suppressed=suppression.suppresses(user),
        export_query=request.GET.urlencode(),
    )
    audit.record(user, audit.Action.VIEW, target_type="figures", label=f"dashboard on {query['on']}",
                 detail=f"known at {query['known_at'] or 'now'}, origin {query['origin'] or 'all'}, by {query['by']}")
    return render(request, "reporting/dashboard.html", context)


@view_access(roles=FIGURES_ROLES)
def series_table(request):
    """The monthly series as a table: the text equivalent of the dashboard's time-series chart."""
    query = _query_or_404(request)
    board, tables = _tables(request, query, series=True)
    audit.record(request.user, audit.Action.VIEW, target_type="figures", label=f"series to {query['on']}",
                 detail=f"known at {query['known_at'] or 'now'}, origin {query['origin'] or 'all'}")
    return render(request, "reporting/series.html", {"query": query, "series": tables["series"],
                                                     "export_query": request.GET.urlencode()})


@view_access(roles=FIGURES_ROLES)
def chart(request, name):
    """One of the dashboard's charts as SVG, fetched by the page's <img> alongside the page itself.

    It answers the same question as the page and shares its cached figures; the page that shows it
    is what is audited.
    """
    if name not in ("series", "states", "money"):
        raise Http404("unknown chart")
    query = _query_or_404(request)
    if name == "money":
        svg = charts.owed_and_paid(_money(request.user, query["on"]))
    else:
        _board, tables = _tables(request, query, series=name == "series")
        data = _chart_data(tables, name)
        svg = charts.buckets_over_time(data) if name == "series" else charts.bars_by_group(data)
    response = HttpResponse(svg, content_type="image/svg+xml")
    # An SVG opened on its own is a document: it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


@view_access(roles=FIGURES_ROLES)
def export(request):
    """Any dashboard table as CSV or XLSX; the same suppression as on the page, and on the audit trail."""
    from . import exports

    query = _query_or_404(request)
    name = request.GET.get("table", "figures")
    board, tables = _tables(request, query, series=name == "series")
    if name == "changes":
        if request.user.role not in PERSON_LEVEL:
            raise Http404("unknown table")
        changes, _hidden = _visible_changes(request, board,
                                            detail=f"export of the cases counted differently on {query['on']}")
        rows = [{"case": c.reference, "then": c.then, "now": c.now, "why": c.why} for c in changes]
        return exports.table_response(request, "changes", ["case", "then", "now", "why"], rows,
                                      request.GET.get("format", "csv"))
    if name not in tables:
        raise Http404("unknown table")
    if name == "figures":
        return exports.table_response(request, "figures", ["view", *COLUMNS], tables[name],
                                      request.GET.get("format", "csv"))
    key = {"series": "month end", "state": "home state", "origin": "origin"}.get(name, name)
    rows = [{key: group, **row} for group, row in tables[name].items()]
    return exports.table_response(request, f"figures-by-{name}", [key, *COLUMNS], rows, request.GET.get("format", "csv"))


@view_access(roles=FIGURES_ROLES)
def brief_pdf(request):
    query = _query_or_404(request)
    board, tables = _tables(request, query, series=True)
    user = request.user
    content = brief.BriefContent(
        title=request.GET.get("title") or "Nationals recruited into a foreign army: figures",
        on=query["on"], known_at=query["known_at"], origin=query["origin"],
        now=tables["figures"][-1], then=tables["figures"][0] if board.then else None,
        # The brief draws the series and prints it beside the chart: not for suppressed users.
        series=[selectors.SeriesPoint(d, c) for d, c in _chart_data(tables, "series")]
        if not suppression.suppresses(user) else [],
        by_state=_chart_data(tables, "state"),
        breakdowns=[("By home state", tables["state"]), ("By origin country", tables["origin"])]
        + ([(f"By {dict(BY_CHOICES)[query['by']]}", tables[query["by"]])]
           if query["by"] not in ("state", "origin") else []),
        reasons=suppression.counts(Counter(c.why for c in board.changes), user),
        notes=request.GET.get("notes", ""), prepared_by=user.get_username(),
    )
    pdf = brief.render(content)
    audit.record(user, audit.Action.EXPORT, target_type="figures", label=f"brief on {query['on']}.pdf",
                 detail=request.GET.urlencode()[:500])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="homeward-brief-{query["on"]}.pdf"'
    return response


def _statements(user):
    statements = PublishedStatement.objects.all()
    origin = figures_origin(user)
    return statements.filter(origin_country__in=[origin, ""]) if origin else statements


@view_access(roles=FIGURES_ROLES)
def statements(request):
    rows = [(s, selectors.sum_warning(s)) for s in _statements(request.user)]
    return render(request, "reporting/statements.html", {
        "rows": rows, "form": StatementForm() if request.user.role in RECORDING else None})


@view_access(roles=RECORDING)
@require_POST
def add_statement(request):
    form = StatementForm(request.POST)
    if not form.is_valid():
        return render(request, "reporting/statements.html", {
            "rows": [(s, selectors.sum_warning(s)) for s in _statements(request.user)], "form": form}, status=400)
    data = form.cleaned_data
    try:
        statement = services.record_statement(
            published_on=data["published_on"], figures_on=data["figures_on"], forum=data["forum"], text=data["text"],
            origin_country=data["origin_country"], source_url=data["source_url"],
            numbers={n: data[n] for n in services.NUMBERS},
            remaining_includes_missing=data["remaining_includes_missing"],
            remaining_includes_prisoner=data["remaining_includes_prisoner"], recorded_by=request.user)
    except services.ReportingError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:statements")
    return redirect("reporting:statement", pk=statement.pk)


def _statement_lines(check: selectors.StatementCheck, user) -> tuple[list[dict], bool]:
    """The comparison's lines as `user` may see them, and whether every registry figure is shown.

    For a suppressed user the registry's counts are the same rows as on the dashboard, suppressed
    the same way; a figure the statement counts together (remaining with the missing) is shown
    only when each count in it is. A mark or a verdict on a hidden figure would tell it (the
    stated numbers are public), so a hidden figure is compared with nothing.
    """
    then = suppression.counts(check.then_counts, user)
    now = suppression.counts(check.now_counts, user)
    statement = check.statement

    def shown(row, figure, value):
        parts = [figure]
        if figure == "remaining":
            parts += ["missing"] * statement.remaining_includes_missing
            parts += ["prisoner"] * statement.remaining_includes_prisoner
        if not any(suppression.is_hidden(row[p]) for p in parts):
            return value
        return suppression.SUPPRESSED if value < suppression.SMALL_CELL else suppression.HIDDEN

    lines = []
    for line in check.lines:
        then_shown, now_shown = shown(then, line.figure, line.then), shown(now, line.figure, line.now)
        then_visible = not suppression.is_hidden(then_shown)
        lines.append({"figure": line.figure, "stated": line.stated, "then": then_shown, "now": now_shown,
                      "stated_differs": then_visible and line.stated_differs,
                      "corrected_differs": (then_visible and not suppression.is_hidden(now_shown)
                                            and line.corrected_differs),
                      "compared": then_visible})
    return lines, all(line["compared"] for line in lines)


@view_access(roles=FIGURES_ROLES)
def statement(request, pk):
    item = get_object_or_404(_statements(request.user), pk=pk)
    check = selectors.check_statement(item)
    user = request.user
    person_level = user.role in PERSON_LEVEL
    lines, complete = _statement_lines(check, user)
    fmt = request.GET.get("format")
    if fmt:  # the comparison only: no case in it
        from . import exports

        return exports.table_response(request, f"statement-{item.published_on}", ["figure", "stated", "then", "now"],
                                      [{k: line[k] for k in ("figure", "stated", "then", "now")} for line in lines], fmt)
    changes, hidden = [], 0
    if person_level:  # the cases that explain it, those this user may open
        changes, hidden, cases = selectors.visible_changes(check.changes, visible_cases(user))
        audit.record_reads(user, [cases[c.reference] for c in changes], detail=f"statement {item.pk}")
    audit.record(user, audit.Action.VIEW, item)
    return render(request, "reporting/statement.html", {
        "statement": item, "check": check, "changes": changes, "hidden": hidden, "person_level": person_level,
        "reasons": suppression.counts(check.reasons, user), "lines": lines, "complete": complete,
        "reproduced": not any(line["stated_differs"] for line in lines),
    })
