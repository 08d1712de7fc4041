from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward.access import PERSON_LEVEL, RECORDING, Role, suppression, view_access, visible_cases
from homeward.audit import services as audit
from homeward.registry.models import Case
from homeward.reporting import charts, exports

from . import forms, selectors, services
from .models import Obligation, Payment

OVERVIEW_ROLES = {Role.HQ_OFFICER, Role.MISSION_OFFICER, Role.ANALYST, Role.ADMINISTRATOR}
CASE_COLUMNS = ["kind", "description", "debtor", "currency", "amount", "paid", "outstanding", "state"]
TOTAL_COLUMNS = ["group", "currency", "obligations", "cases", "owed", "paid", "balance"]


def _scope(user):
    """Cases whose money an aggregate page may add up: one's own cases, or all of them for analysts."""
    return Case.objects.all() if user.role == Role.ANALYST else visible_cases(user)


def _totals(request, groupings=("partner", "origin")) -> tuple[forms.AsOfForm, dict]:
    """The as-of form and both tables of totals, as the user may see them.

    Analysts see sums only as of the end of a completed month (sums a day apart would give one family's payment),
    with no debtor named and small groups hidden so that neither grouping gives them away (selectors)."""
    form = forms.AsOfForm(request.GET or None)
    asked = form.cleaned_data["as_of"] if form.is_valid() else None
    cases = _scope(request.user)
    if suppression.suppresses(request.user):
        as_of = selectors.completed_month_end(asked)
        return forms.AsOfForm(initial={"as_of": as_of}), {
            "as_of": as_of, "month_end_only": True, **selectors.suppressed_totals(cases, as_of)}
    return form, {"as_of": asked, "month_end_only": False,
                  **{by: selectors.totals(cases, by, asked) for by in groupings}}


@view_access(roles=OVERVIEW_ROLES)
def overview(request):
    form, tables = _totals(request)
    as_of = tables["as_of"]
    series = {}  # month-by-month sums of a handful of families would identify them
    if not tables["month_end_only"]:
        series = selectors.owed_vs_paid(_scope(request.user), as_of)
    context = {
        "form": form,
        "as_of": as_of,
        "month_end_only": tables["month_end_only"],
        "by_partner": tables["partner"],
        "by_origin": tables["origin"],
        "series": series,
        "chart": charts.data_uri(charts.owed_and_paid(series)) if series else "",
        "rates": selectors.recent_rates(),
        "rate_form": forms.RateForm() if request.user.role in RECORDING else None,
    }
    audit.record(request.user, audit.Action.VIEW, target_type="ledger", label="ledger totals",
                 detail=f"as of {as_of or 'today'}")
    return render(request, "ledger/overview.html", context)


@view_access(roles=OVERVIEW_ROLES)
def export_totals(request):
    by = request.GET.get("by", "partner")
    if by not in ("partner", "origin"):
        raise Http404("unknown table")
    _, tables = _totals(request, groupings=[by])
    detail = f"{request.GET.urlencode()}; as of {tables['as_of'] or 'today'}"
    return exports.table_response(request, f"ledger-by-{by}", TOTAL_COLUMNS, tables[by],
                                  request.GET.get("format", "csv"), detail=detail)


def _case(request, reference) -> Case:
    return get_object_or_404(visible_cases(request.user), reference=reference)


def _obligation(request, pk) -> Obligation:
    return get_object_or_404(Obligation.objects.select_related("case").filter(case__in=visible_cases(request.user)),
                             pk=pk)


@view_access(roles=PERSON_LEVEL)
def case_ledger(request, reference):
    case = _case(request, reference)
    form = forms.AsOfForm(request.GET or None)
    as_of = form.cleaned_data["as_of"] if form.is_valid() else None
    ledger = selectors.case_ledger(case, as_of)
    if request.GET.get("format"):
        rows = [{"kind": line.obligation.get_kind_display(), "description": line.obligation.description,
                 "debtor": line.obligation.debtor, "currency": line.obligation.currency,
                 "amount": line.obligation.amount, "paid": line.paid, "outstanding": line.balance,
                 "state": line.state_label} for line in ledger["lines"]]
        response = exports.table_response(request, f"ledger-{case.reference}", CASE_COLUMNS, rows,
                                          request.GET["format"])
        audit.record_reads(request.user, [case], action=audit.Action.EXPORT,
                           detail=f"ledger {request.GET['format']} as of {as_of or 'today'}")
        return response
    audit.record_reads(request.user, [case], detail="ledger")
    can_record = request.user.role in RECORDING
    return render(request, "ledger/case.html", {
        "case": case, "form": form, "as_of": as_of, **ledger, "can_record": can_record,
        "obligation_form": forms.ObligationForm(prefix="obligation") if can_record else None,
        "contract_form": forms.ContractForm(prefix="contract") if can_record else None,
        "payment_form": forms.PaymentForm(prefix="payment") if can_record else None,
        "state_form": forms.StateForm(prefix="state") if can_record else None,
        "reversal_form": forms.ReversalForm(prefix="reversal") if can_record else None,
    })


def _report(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        messages.error(request, f"{label}: {' '.join(errors)}")


def _save(request, form, write, reference):
    """Run a ledger service on a valid form; either way, back to the case's ledger with what happened."""
    if not form.is_valid():
        _report(request, form)
    else:
        try:
            write(form.cleaned_data)
        except services.LedgerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Recorded."))
    return redirect("ledger:case", reference=reference)


@view_access(roles=RECORDING)
@require_POST
def add_contract(request, reference):
    case = _case(request, reference)
    return _save(request, forms.ContractForm(request.POST, prefix="contract"), lambda data: services.record_contract(
        case=case, recorded_by=request.user, **data), case.reference)


@view_access(roles=RECORDING)
@require_POST
def add_obligation(request, reference):
    case = _case(request, reference)
    return _save(request, forms.ObligationForm(request.POST, prefix="obligation"),
                 lambda data: services.add_obligation(case=case, recorded_by=request.user, **data), case.reference)


@view_access(roles=RECORDING)
@require_POST
def add_payment(request, pk):
    obligation = _obligation(request, pk)
    return _save(request, forms.PaymentForm(request.POST, prefix="payment"),
                 lambda data: services.record_payment(obligation=obligation, recorded_by=request.user, **data),
                 obligation.case.reference)


@view_access(roles=RECORDING)
@require_POST
def change_state(request, pk):
    obligation = _obligation(request, pk)
    return _save(request, forms.StateForm(request.POST, prefix="state"),
                 lambda data: services.change_state(obligation=obligation, recorded_by=request.user, **data),
                 obligation.case.reference)


@view_access(roles=RECORDING)
@require_POST
def reverse_payment(request, pk):
    payment = get_object_or_404(
        Payment.objects.select_related("obligation__case").filter(obligation__case__in=visible_cases(request.user)),
        pk=pk)
    return _save(request, forms.ReversalForm(request.POST, prefix="reversal"),
                 lambda data: services.reverse_payment(payment=payment, recorded_by=request.user, **data),
                 payment.obligation.case.reference)


@view_access(roles=RECORDING)
@require_POST
def add_rate(request):
    form = forms.RateForm(request.POST)
    if not form.is_valid():
        _report(request, form)
    else:
        try:
            services.record_rate(recorded_by=request.user, **form.cleaned_data)
        except services.LedgerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Rate recorded."))
    return redirect("ledger:overview")


def case_panel(request, case):
    """The ledger summary on the case page, for those who see the case's person-level data."""
    if request.user.role not in PERSON_LEVEL:
        return None
    return {"case": case, **selectors.case_ledger(case)}
