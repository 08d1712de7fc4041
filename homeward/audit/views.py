from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from homeward.access import Role, view_access
from tabular import write_csv

from . import selectors
from . import services as audit
from .models import AuditEntry

COLUMNS = ["at", "user", "request_id", "action", "target_type", "target_id", "target_label", "detail", "changes"]


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    target = forms.CharField(label=_("Object (id, type or name)"), required=False, max_length=300)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", "any")] + AuditEntry.Action.choices)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _row(entry: AuditEntry) -> list:
    return [entry.at.isoformat(), entry.user.username if entry.user else entry.actor_label, entry.request_id,
            entry.action, entry.target_type, entry.target_id, entry.target_label, entry.detail, entry.changes or ""]


@view_access(roles={Role.ADMINISTRATOR})
def audit_log(request):
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.search_entries(**{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        rows = write_csv(response, COLUMNS, (_row(e) for e in entries.iterator()))
        audit.record(request.user, audit.Action.EXPORT, target_type="audit.auditentry", label="audit log",
                     detail=f"{rows} entries; filters {request.GET.urlencode()[:300]}")
        return response
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"form": form, "page": page, "query": request.GET.urlencode()})
