from collections import Counter
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward.access import ALL_STAFF, PERSON_LEVEL, RECORDING, Role, figures_origin, suppression, view_access, visible_cases
from homeward import ui
from homeward.audit import services as audit
from homeward.reporting.selectors import visible_changes

from . import selectors, services
from .figures import compare, end_of_day, figures
from .forms import CorrectionForm, EventForm, FiguresForm
from .lifecycle import STATUS_EVENTS, Event
from .models import PersonIdentifier, event_label


@view_access(roles=ALL_STAFF)
def home(request):
    """Where signing in lands: the work each role does first."""
    if request.user.role in PERSON_LEVEL:
        return redirect("registry:case_list")
    if request.user.role == Role.ANALYST:
        return redirect("registry:figures")
    if request.user.role == Role.HOST_LIAISON and request.user.partner_id:
        return redirect("exchange:liaison_cases")
    return render(request, "registry/home.html")


@view_access(roles=PERSON_LEVEL)
def case_list(request):
    visible = visible_cases(request.user)
    cases = selectors.search_cases(
        visible,
        query=request.GET.get("q", ""),
        status=request.GET.get("status", ""),
        home_state=request.GET.get("state", ""),
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    audit.record_reads(request.user, page.object_list, action=audit.Action.SEARCH,
                       detail=request.GET.urlencode()[:500])
    statuses = [(e.value, event_label(e)) for e in Event if e in STATUS_EVENTS]
    return render(request, "registry/case_list.html", {
        "page": page, "statuses": statuses, "states": selectors.home_states(visible), "filters": request.GET,
    })


def _visible_case(request, reference):
    return get_object_or_404(visible_cases(request.user).select_related("person", "office"), reference=reference)


@view_access(roles=PERSON_LEVEL)
def case_detail(request, reference):
    case = _visible_case(request, reference)
    audit.record_reads(request.user, [case])
    allowed = selectors.next_events(case)
    return render(request, "registry/case_detail.html", {
        "case": case,
        "person": case.person,
        "reports": case.reports.all(),
        "timeline": selectors.timeline(case),
        "event_form": EventForm(allowed=allowed) if allowed else None,
        "correction_form": CorrectionForm(allowed=[e for e in Event if e in STATUS_EVENTS and e is not Event.MERGED],
                                          prefix="correction"),
        "can_record": request.user.role in RECORDING,
        "panels": ui.case_panels(request, case),
        "masked_kinds": PersonIdentifier.MASKED_KINDS,
    })


@view_access(roles=RECORDING)
@require_POST
def add_event(request, reference):
    case = _visible_case(request, reference)
    correcting = "correction-kind" in request.POST
    if correcting:
        form = CorrectionForm(request.POST, allowed=[e for e in Event if e in STATUS_EVENTS and e is not Event.MERGED],
                              prefix="correction")
    else:
        form = EventForm(request.POST, allowed=selectors.next_events(case))
    if form.is_valid():
        record = services.record_correction if correcting else services.record_event
        try:
            record(case=case, kind=form.cleaned_data["kind"], occurred_on=form.cleaned_data["occurred_on"],
                   source=form.cleaned_data["source"], note=form.cleaned_data["note"], recorded_by=request.user)
        except services.RegistryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Recorded: %(event)s") % {"event": event_label(form.cleaned_data["kind"])})
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else field}: {' '.join(errors)}")
    return redirect("registry:case_detail", reference=case.reference)


@view_access(roles={Role.HQ_OFFICER, Role.MISSION_OFFICER, Role.ANALYST, Role.ADMINISTRATOR})
def figures_page(request):
    form = FiguresForm(request.GET or {"on": date.today().isoformat()})
    context = {"form": form}
    if not form.is_valid():
        return render(request, "registry/figures.html", context)
    user = request.user
    on = form.cleaned_data["on"]
    origin = figures_origin(user) or form.cleaned_data["origin"].upper() or None
    known_at = end_of_day(form.cleaned_data["known_at"])
    if known_at:
        comparison = compare(on, known_at, origin=origin)
        current, then, changes = comparison.as_corrected, comparison.as_known_then, comparison.changes
    else:
        current, then, changes = figures(on, origin=origin), None, []
    person_level = user.role in PERSON_LEVEL
    now_counts, breakdowns = suppression.figures(current, user, by=("state", "origin"))
    # References point at persons: aggregate-only roles see how many changed and why, not which;
    # officers see those of the cases they may open (an embassy's, its own), and the reads are kept.
    shown, hidden = [], 0
    if person_level:
        shown, hidden, cases = visible_changes(changes, visible_cases(user))
        audit.record_reads(user, [cases[c.reference] for c in shown], detail=f"figures: counted differently on {on}")
    context.update(
        on=on, known_at=known_at, origin=origin, person_level=person_level,
        now_counts=now_counts, then_counts=suppression.counts(then.counts, user) if then else None,
        by_state=breakdowns["state"], by_origin=breakdowns["origin"],
        changes=shown, changes_hidden=hidden,
        change_reasons=suppression.counts(Counter(c.why for c in changes), user),
    )
    audit.record(user, audit.Action.VIEW, target_type="figures", label=f"figures on {on}",
                 detail=f"known at {known_at or 'now'}, origin {origin or 'all'}")
    return render(request, "registry/figures.html", context)


@view_access(roles=RECORDING)
@require_POST
def reveal_identifier(request, reference, identifier_id):
    """Show one identity number in full: only on request, and on the record."""
    case = _visible_case(request, reference)
    identifier = get_object_or_404(case.person.identifiers, pk=identifier_id)
    audit.record(request.user, audit.Action.REVEAL, identifier, label=f"{identifier.get_kind_display()} of {case.reference}")
    return render(request, "registry/identifier_revealed.html", {"case": case, "identifier": identifier})
