"""The host agency's side: its liaison sees the cases it was asked about, as they were sent, uploads
its answers and replies to discrepancies. Nothing else of the registry is visible to it."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from homeward.access import Role, view_access, visible_cases
from homeward.audit import services as audit

from . import selectors, services
from .forms import MappingField
from .models import Discrepancy

LIAISON = {Role.HOST_LIAISON}


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Response list (XLSX or CSV)"))
    mapping = MappingField()


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


@view_access(roles=LIAISON)
def cases(request):
    partner = request.user.partner
    sent = services.sent_to_partner(partner, visible_cases(request.user))
    audit.record_reads(request.user, [item["case"] for item in sent], detail="liaison: cases sent to the partner")
    return render(request, "exchange/liaison_cases.html", {
        "partner": partner, "sent": sent, "columns": services.COLUMNS, "form": UploadForm(),
    })


@view_access(roles=LIAISON)
@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("exchange:liaison_cases")
    upload = form.cleaned_data["file"]
    result = services.import_response(partner=request.user.partner, content=upload.read(), file_name=upload.name,
                                      mapping=form.cleaned_data["mapping"], by=request.user)
    if result.errors:
        for error in result.errors[:50]:
            messages.error(request, error)
        messages.error(request, _("Nothing was imported: correct the file and import it again."))
    elif result.already_imported:
        messages.info(request, _("This file was imported before; nothing changed."))
    else:
        messages.success(request, _("Received: %(rows)s rows. The embassy will review them.") % {
            "rows": result.response.rows})
    return redirect("exchange:liaison_cases")


@view_access(roles=LIAISON)
def discrepancies(request):
    items = list(selectors.liaison_discrepancies(request.user.partner, visible_cases(request.user)))
    audit.record_reads(request.user, [i.case for i in items], detail="liaison: discrepancies")
    # The officers' internal notes are not the partner's: the liaison sees the question, its own answers
    # and the officers' replies to it.
    return render(request, "exchange/liaison_discrepancies.html", {
        "items": [(i, selectors.age_days(i), i.shared) for i in items], "form": AnswerForm(),
    })


@view_access(roles=LIAISON)
@require_POST
def answer(request, pk):
    item = get_object_or_404(Discrepancy.objects.filter(partner=request.user.partner,
                                                        case__in=visible_cases(request.user)), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_discrepancy(item, answer=form.cleaned_data["answer"], by=request.user)
        except services.ExchangeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Answer recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("exchange:liaison_discrepancies")
