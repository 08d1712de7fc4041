from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward.access import PERSON_LEVEL, RECORDING, Role, view_access, visible_cases
from homeward.accounts.models import Partner
from homeward.audit import services as audit

from . import forms, selectors, services
from .models import Discrepancy, RequestExport, Response, ResponseRow, StatusWord

ADMINISTRATOR = {Role.ADMINISTRATOR}
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv"}


def _errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        messages.error(request, f"{label}: {' '.join(errors)}")


@view_access(roles=PERSON_LEVEL)
def overview(request):
    return render(request, "exchange/overview.html", {
        "partners": Partner.objects.order_by("code"),
        "exports": RequestExport.objects.select_related("partner", "created_by")[:20],
        "responses": Response.objects.select_related("partner", "imported_by")[:20],
        "export_form": forms.ExportForm(), "import_form": forms.ImportForm(),
        "can_record": request.user.role in RECORDING,
    })


def _download(exported: services.ExportedFile, fmt: str) -> HttpResponse:
    response = HttpResponse(exported.content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exported.file_name}"'
    return response


@view_access(roles=RECORDING)
@require_POST
def export(request):
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("exchange:overview")
    data = form.cleaned_data
    cases = visible_cases(request.user)
    if data["status"]:
        cases = cases.filter(status=data["status"])
    if data["office"]:
        cases = cases.filter(office=data["office"])
    fmt, _sep, encoding = data["file_format"].partition("-")
    try:
        exported = services.export_request(partner=data["partner"], ask=data["ask"], cases=cases, fmt=fmt,
                                           encoding=encoding or "utf-8", by=request.user)
    except services.ExchangeError as exc:
        messages.error(request, str(exc))
        return redirect("exchange:overview")
    return _download(exported, fmt)


@view_access(roles=RECORDING)
@require_POST
def import_response(request):
    form = forms.ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _errors(request, form)
        return redirect("exchange:overview")
    upload = form.cleaned_data["file"]
    # Linked against every case asked of the partner, whoever imports (services.linking_scope).
    result = services.import_response(partner=form.cleaned_data["partner"], content=upload.read(),
                                      file_name=upload.name, mapping=form.cleaned_data["mapping"], by=request.user)
    if result.errors:
        for error in result.errors[:50]:
            messages.error(request, error)
        messages.error(request, _("Nothing was imported: correct the file and import it again."))
        return redirect("exchange:overview")
    if result.already_imported:
        messages.info(request, _("This file was imported before; nothing changed."))
    return redirect("exchange:response", pk=result.response.pk)


@view_access(roles=PERSON_LEVEL)
def response_detail(request, pk):
    response = get_object_or_404(Response.objects.select_related("partner"), pk=pk)
    rows = selectors.visible_rows(response.response_rows.all(), request.user) \
        .select_related("case").order_by("number")
    rows = list(rows)
    audit.record_reads(request.user, rows)
    return render(request, "exchange/response.html", {
        "response": response, "rows": rows, "counts": services._counts(response),
        "unseen_host_only": selectors.unseen_host_listed(response, request.user),
        "queue_size": selectors.review_queue(response, visible_cases(request.user)).count(),
    })


@view_access(roles=RECORDING | ADMINISTRATOR)
def review(request, pk):
    response = get_object_or_404(Response.objects.select_related("partner"), pk=pk)
    queue = list(selectors.review_queue(response, visible_cases(request.user))[:100])
    audit.record_reads(request.user, [r.case for r in queue])
    return render(request, "exchange/review.html", {
        "response": response, "items": [(row, selectors.comparison(row)) for row in queue],
        "can_decide": request.user.role in RECORDING,
    })


@view_access(roles=RECORDING)
@require_POST
def decide(request, pk):
    row = get_object_or_404(ResponseRow.objects.filter(case__in=visible_cases(request.user)), pk=pk)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide(row, form.cleaned_data["decision"], by=request.user, reason=form.cleaned_data["reason"])
        except services.ExchangeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Row %(number)s: %(decision)s") % {
                "number": row.number, "decision": dict(form.fields["decision"].choices)[form.cleaned_data["decision"]]})
    else:
        _errors(request, form)
    return redirect(reverse("exchange:review", args=[row.response_id]) + "#queue")


@view_access(roles=PERSON_LEVEL)
def reconciliation(request):
    partner = Partner.objects.filter(code=request.GET.get("partner", "")).first()
    items = list(selectors.open_discrepancies(partner, request.user)[:500])
    # A host-only item shows the man as the host lists him: his row is what was read.
    audit.record_reads(request.user, [i.case if i.case else i.row for i in items if i.case or i.row])
    return render(request, "exchange/reconciliation.html", {
        "partner": partner, "partners": Partner.objects.order_by("code"),
        "summaries": [selectors.reconciliation(p) for p in ([partner] if partner else Partner.objects.order_by("code"))],
        "items": [(i, selectors.age_days(i)) for i in items], "form": forms.DiscrepancyForm(),
        "can_record": request.user.role in RECORDING,
    })


@view_access(roles=RECORDING)
@require_POST
def update_discrepancy(request, pk):
    item = get_object_or_404(selectors.visible_discrepancies(request.user), pk=pk)
    form = forms.DiscrepancyForm(request.POST)
    if form.is_valid():
        try:
            services.update_discrepancy(item, state=form.cleaned_data["state"], note=form.cleaned_data["note"],
                                        owner=request.user if form.cleaned_data["take"] else None, by=request.user,
                                        to_partner=form.cleaned_data["to_partner"])
        except services.ExchangeError as exc:
            messages.error(request, str(exc))
    else:
        _errors(request, form)
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/") else "exchange:reconciliation")


def _host_only(pk, user):
    """The host-only item about a man the host lists and we do not know, if `user` may see him."""
    return get_object_or_404(selectors.visible_discrepancies(user).filter(case=None, kind=Discrepancy.Kind.HOST_ONLY)
                             .select_related("row__response__partner", "partner"), pk=pk)


@view_access(roles=RECORDING)
@require_POST
def new_case(request, pk):
    """Open the case a host-only row proposes; if the registry may hold the man already, show the
    likely cases instead, to link the row to one of them or confirm that none is him."""
    item = _host_only(pk, request.user)
    user = request.user
    origin = user.country or (user.office.country if user.office_id else "")
    cases = visible_cases(user)
    distinct = [int(pk) for pk in request.POST.getlist("distinct") if pk.isdigit()]
    try:
        case = services.create_case_from_row(item, origin_country=origin, office=user.office, by=user,
                                             cases=cases, distinct_from=distinct)
    except services.LikelyDuplicate as exc:
        found = {c.pk: c for c in cases.filter(pk__in=[m.case_id for m in exc.matches])
                 .select_related("person").prefetch_related("person__names")}
        candidates = [(found[m.case_id], m.probability) for m in exc.matches if m.case_id in found]
        audit.record_reads(user, [c for c, _p in candidates], action=audit.Action.SEARCH,
                           detail="exchange: likely duplicates of a host-only row")
        return render(request, "exchange/new_case_duplicates.html", {
            "item": item, "row": item.row, "refusal": str(exc), "candidates": candidates,
            "distinct": [c.pk for c, _p in candidates] + distinct,
        })
    except services.ExchangeError as exc:
        messages.error(request, str(exc))
        return redirect("exchange:reconciliation")
    return redirect("registry:case_detail", reference=case.reference)


@view_access(roles=RECORDING)
@require_POST
def link_row(request, pk):
    """Link a host-only row to one of our cases (the man is in the registry after all) and accept it."""
    item = _host_only(pk, request.user)
    case = get_object_or_404(visible_cases(request.user), reference=request.POST.get("case", ""))
    try:
        row = services.link_row_to_case(item, case, by=request.user)
    except services.ExchangeError as exc:
        messages.error(request, str(exc))
        return redirect("exchange:reconciliation")
    messages.success(request, _("Row %(number)s linked to %(reference)s and accepted.") % {
        "number": row.number, "reference": row.case.reference})
    return redirect("registry:case_detail", reference=row.case.reference)


@view_access(roles=RECORDING)
@require_POST
def recheck(request, code):
    partner = get_object_or_404(Partner, code=code)
    try:
        exported = services.recheck_request(partner=partner, cases=visible_cases(request.user), by=request.user)
    except services.ExchangeError as exc:
        messages.error(request, str(exc))
        return redirect("exchange:reconciliation")
    return _download(exported, "xlsx")


@view_access(roles=ADMINISTRATOR)
def partners(request):
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "partner":
                form = forms.PartnerForm(request.POST)
                if form.is_valid():
                    services.add_partner(**form.cleaned_data, by=request.user)
            elif action == "thresholds":
                form = forms.ThresholdForm(request.POST)
                partner = get_object_or_404(Partner, code=request.POST.get("partner", ""))
                if form.is_valid():
                    services.set_thresholds(partner, auto=form.cleaned_data["auto"],
                                            review=form.cleaned_data["review"], by=request.user)
            else:
                form = forms.StatusWordForm(request.POST)
                if form.is_valid():
                    services.add_status_word(**form.cleaned_data, by=request.user)
        except services.ExchangeError as exc:
            messages.error(request, str(exc))
        else:
            if form.is_valid():
                messages.success(request, _("Saved."))
            else:
                _errors(request, form)
        return redirect("exchange:partners")
    return render(request, "exchange/partners.html", {
        "partners": [(p, services.thresholds(p)) for p in Partner.objects.order_by("code")],
        "words": StatusWord.objects.select_related("partner").order_by("partner__code", "word"),
        "partner_form": forms.PartnerForm(), "word_form": forms.StatusWordForm(), "threshold_form": forms.ThresholdForm(),
    })


def case_panel(request, case):
    """The exchange panel of a case page: requests, partner answers, skipped steps, discrepancies."""
    if request.user.role not in PERSON_LEVEL:
        return None
    context = selectors.case_exchange(case)
    if context is not None:
        context["form"] = forms.DiscrepancyForm()
        context["can_record"] = request.user.role in RECORDING
        context["next"] = request.get_full_path()
    return context
