import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward import explanations
from homeward.access import RECORDING, view_access, visible_cases
from homeward.access.client import client_address
from homeward.audit import services as audit
from homeward.registry import merging
from homeward.registry.models import Case, Report
from homeward.registry.services import RegistryError
from tabular import parse_partial_date

from . import duplicates, selectors, services, uploads
from .forms import (FamilyReportForm, MergeForm, MoreInformationForm, NoteForm, OfficerReportForm, StatusLookupForm,
                    UploadForm)
from .models import Upload

FAMILY_CASE = "intake_family_case"
RECEIPT = "intake_receipt"


def _client(request) -> str:
    return client_address(request)  # behind trusted proxies, the address they saw


# ----------------------------------------------------------------------------- families


@view_access(public=True)
def family_report(request):
    form = FamilyReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # A bot filled the hidden field: answer as if all went well, keep nothing.
            return redirect("intake:family_thanks")
        entry = form.entry(source_type=Report.SourceType.FAMILY, channel=Report.Channel.WEB_FORM,
                           received_on=timezone.now().date())
        try:
            receipt = services.submit_family_report(entry, client=_client(request),
                                                    email=form.cleaned_data["reporter_email"])
        except (services.IntakeError, RegistryError) as exc:
            messages.error(request, str(exc))
        else:
            request.session[RECEIPT] = {"reference": receipt.case.reference, "passcode": receipt.passcode}
            return redirect("intake:family_thanks")
    return render(request, "intake/family_report.html", {"form": form})


@view_access(public=True)
def family_thanks(request):
    # Shown once: the passcode leaves the session as it is displayed.
    receipt = request.session.pop(RECEIPT, None)
    return render(request, "intake/family_thanks.html", {"receipt": receipt})


@view_access(public=True)
def family_status_lookup(request):
    form = StatusLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_family_case(form.cleaned_data["reference"], form.cleaned_data["passcode"],
                                             _client(request))
        except services.IntakeError as exc:
            form.add_error(None, str(exc))
        else:
            request.session.cycle_key()
            request.session[FAMILY_CASE] = case.pk
            return redirect("intake:family_status")
    return render(request, "intake/family_lookup.html", {"form": form})


@view_access(public=True)
def family_status(request):
    case_id = request.session.get(FAMILY_CASE)
    case = Case.objects.filter(pk=case_id).first() if case_id else None
    if case is None:
        return redirect("intake:family_lookup")
    form = MoreInformationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_family_information(case, **form.cleaned_data)
        messages.success(request, _("Thank you. Your information has been added to the case."))
        return redirect("intake:family_status")
    return render(request, "intake/family_status.html", {"status": selectors.family_status(case), "form": form})


@view_access(public=True)
@require_POST
def family_leave(request):
    request.session.pop(FAMILY_CASE, None)
    return redirect("intake:family_lookup")


# ----------------------------------------------------------------------------- officers


@view_access(roles=RECORDING)
def new_case(request, reference=None):
    """A new report: on the case named in the URL, on a possible existing case the officer picked, or a new case."""
    visible = visible_cases(request.user)
    case = get_object_or_404(visible, reference=reference) if reference else None
    # The possible existing case the officer picked (kept when the form comes back with errors).
    chosen = " ".join(request.POST.get("attach_to", "").split()).upper()[:32]
    attach_to = case or (visible.filter(reference=chosen).first() if chosen else None)
    form = OfficerReportForm(request.POST or None, user=request.user, attaching_to=attach_to,
                             initial={"office": request.user.office_id, "origin_country": request.user.country})
    if chosen and attach_to is None:
        form.add_error(None, _("No case %(reference)s that you may see.") % {"reference": chosen})
    if request.method == "POST" and form.is_valid():
        entry = form.officer_entry(request.user.office)
        try:
            if attach_to:
                services.add_to_case(attach_to, entry, by=request.user)
                messages.success(request, _("Report added to %(reference)s.") % {"reference": attach_to.reference})
                target = attach_to
            else:
                target = services.open_case(entry, by=request.user)
                messages.success(request, _("Case %(reference)s opened.") % {"reference": target.reference})
        except (services.IntakeError, RegistryError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("registry:case_detail", reference=target.reference)
    if case:
        audit.record_reads(request.user, [case])
    return render(request, "intake/officer_report.html", {"form": form, "case": case,
                                                          "attach_to": None if case else attach_to})


@view_access(roles=RECORDING)
def candidates(request):
    """Possible existing cases for what the officer has typed so far (JSON for the form's script)."""
    name = " ".join(request.GET.get("full_name", "").split())[:200]
    if len(name) < 3:
        return JsonResponse({"candidates": []})
    try:
        dob = parse_partial_date(request.GET.get("date_of_birth", "")[:20])
    except ValueError:
        dob = None
    record = duplicates.record_of(full_name=name, date_of_birth=dob.iso if dob else "",
                                  passport_number=request.GET.get("passport_number", "")[:20],
                                  phone=request.GET.get("phone", "")[:20],
                                  home_state=request.GET.get("home_state", "")[:100])
    matches = duplicates.find(record, limit=5, allowed=visible_cases(request.user))
    cases = {c.pk: c for c in Case.objects.filter(pk__in=[m.case_id for m in matches])
             .select_related("person").prefetch_related("person__names")}
    audit.record_reads(request.user, cases.values(), action=audit.Action.SEARCH, detail="intake duplicate check")
    return JsonResponse({"candidates": [{
        "reference": m.reference,
        "probability": round(m.probability, 3),
        "explanation": m.explanation,
        "why": explanations.lines(m.explanation),
        "names": [n.full_name for n in cases[m.case_id].person.names.all()],
        "date_of_birth": cases[m.case_id].person.date_of_birth,
        "status": cases[m.case_id].status_label,
    } for m in matches]})


@view_access(roles=RECORDING)
def reviews(request):
    items = selectors.open_reviews(visible_cases(request.user))
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    audit.record_reads(request.user, [c for item in page.object_list for c in (item.case, item.candidate)])
    return render(request, "intake/reviews.html", {"page": page, "form": NoteForm()})


@view_access(roles=RECORDING)
@require_POST
def decide(request, item_id):
    item = get_object_or_404(selectors.open_reviews(visible_cases(request.user)), pk=item_id)
    form = NoteForm(request.POST)
    same = request.POST.get("decision") == "same"
    if form.is_valid():
        try:
            services.decide_review(item, same_person=same, by=request.user, note=form.cleaned_data["note"])
        except (services.IntakeError, RegistryError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Merged %(case)s into %(candidate)s.") % {
                "case": item.case.reference, "candidate": item.candidate.reference} if same
                else _("Marked as different people."))
    return redirect("intake:reviews")


@view_access(roles=RECORDING)
@require_POST
def merge(request, reference):
    visible = visible_cases(request.user)
    survivor = get_object_or_404(visible, reference=reference)
    form = MergeForm(request.POST)
    if form.is_valid():
        absorbed = visible.filter(reference=form.cleaned_data["absorbed"].strip()).first()
        if absorbed is None:
            messages.error(request, _("No case %(reference)s that you may see.") % {
                "reference": form.cleaned_data["absorbed"]})
        else:
            try:
                merging.merge_cases(survivor, absorbed, request.user, form.cleaned_data["note"])
            except RegistryError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("%(absorbed)s merged into %(survivor)s.") % {
                    "absorbed": absorbed.reference, "survivor": survivor.reference})
    else:
        messages.error(request, _("Give the case reference and a note."))
    return redirect("registry:case_detail", reference=survivor.reference)


@view_access(roles=RECORDING)
@require_POST
def unmerge(request, reference):
    absorbed = get_object_or_404(visible_cases(request.user), reference=reference)
    form = NoteForm(request.POST)
    survivor = absorbed
    if form.is_valid():
        merge_event = merging.standing_merge(absorbed)
        try:
            merging.unmerge_cases(absorbed, request.user, form.cleaned_data["note"] or "merge undone")
        except RegistryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(reference)s is a case of its own again.") % {"reference": absorbed.reference})
            survivor = Case.objects.filter(reference=merge_event.details.get("into", "")).first() or absorbed
    return redirect("registry:case_detail", reference=survivor.reference)


# ----------------------------------------------------------------------------- uploads


def _own_upload(request, upload_id) -> Upload:
    return get_object_or_404(Upload, pk=upload_id, uploaded_by=request.user)


@view_access(roles=RECORDING)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None,
                      initial={"origin_country": request.user.country})
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            stored = uploads.store(file.chunks(), file.name, by=request.user,
                                   origin=form.cleaned_data["origin_country"], host=form.cleaned_data["host_country"])
        except services.IntakeError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("intake:upload_preview", upload_id=stored.pk)
    recent = Upload.objects.filter(uploaded_by=request.user)[:10]
    return render(request, "intake/upload.html", {"form": form, "recent": recent})


@view_access(roles=RECORDING)
def upload_preview(request, upload_id):
    stored = _own_upload(request, upload_id)
    show = request.GET.get("show", "")
    per_page = 200
    total = stored.counts.get(show, 0) if show else stored.rows
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:  # not a number (or one of thousands of digits)
        number = 1
    number = min(max(1, number), max(1, -(-total // per_page)))  # within the pages there are
    rows = uploads.outcomes(stored, start=(number - 1) * per_page, stop=number * per_page, only=show)
    audit.record(request.user, audit.Action.VIEW, stored, detail=f"preview page {number}")
    return render(request, "intake/upload_preview.html", {
        "upload": stored, "rows": rows, "page": number, "show": show,
        "has_next": number * per_page < total, "already": uploads.already_imported(stored.file_sha256),
        "errors": stored.counts.get(uploads.ERROR, 0),
    })


@view_access(roles=RECORDING)
@require_POST
def upload_commit(request, upload_id):
    stored = _own_upload(request, upload_id)
    try:
        batch = uploads.commit(stored, by=request.user, leave_out_rejected=bool(request.POST.get("leave_out_rejected")))
    except services.IntakeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Imported %(name)s: %(created)s new cases.") % {
            "name": stored.file_name, "created": batch.created})
    return redirect("intake:upload_preview", upload_id=stored.pk)


@view_access(roles=RECORDING)
def upload_rejected(request, upload_id):
    stored = _own_upload(request, upload_id)
    if stored.problem or not stored.counts.get(uploads.ERROR):
        raise Http404("no rejected rows")
    buffer = io.BytesIO()
    count = uploads.write_rejected(stored, buffer)
    audit.record(request.user, audit.Action.EXPORT, stored, detail=f"{count} rejected rows")
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="rejected-{stored.pk}.xlsx"'
    return response
