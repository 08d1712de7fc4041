from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.accounts.models import Office, Partner
from tabular import parse_mapping
from homeward.registry.lifecycle import STATUS_EVENTS, Event
from homeward.registry.models import event_label_lazy

from .models import WORD_EVENTS, Ask, Discrepancy


class ExportForm(forms.Form):
    partner = forms.ModelChoiceField(Partner.objects.order_by("code"), label=_("Partner agency"))
    ask = forms.ChoiceField(choices=Ask.choices, label=_("What we ask"))
    status = forms.ChoiceField(required=False, label=_("Status"), choices=[("", _("any"))] + [
        (e.value, event_label_lazy(e)) for e in Event if e in STATUS_EVENTS])
    office = forms.ModelChoiceField(Office.objects.order_by("name"), required=False, label=_("Office"))
    file_format = forms.ChoiceField(label=_("File"), choices=[
        ("xlsx", "XLSX"), ("csv-utf-8", _("CSV, UTF-8")), ("csv-cp1251", _("CSV, Windows-1251"))])


class MappingField(forms.CharField):
    """'Header=field', one a line (as `--map` on the command line): columns read under other names."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                         label=_("Column mapping"),
                         help_text=_('Only if a column is not recognised: one "Header=field" a line, '
                                     'e.g. "Фамилия и имя=full_name"'), **kwargs)

    def clean(self, value):
        lines = [line.strip() for line in (super().clean(value) or "").splitlines() if line.strip()]
        try:
            return parse_mapping(lines)
        except ValueError as exc:
            raise forms.ValidationError(str(exc).replace("--map ", "")) from None


class ImportForm(forms.Form):
    partner = forms.ModelChoiceField(Partner.objects.order_by("code"), label=_("Partner agency"))
    file = forms.FileField(label=_("Response list (XLSX or CSV)"))
    mapping = MappingField()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accepted", _("accept")), ("rejected", _("reject")),
                                          ("need_info", _("need more information"))])
    reason = forms.CharField(required=False, max_length=2000, label=_("Reason"))


class DiscrepancyForm(forms.Form):
    state = forms.ChoiceField(choices=Discrepancy.State.choices, label=_("State"))
    note = forms.CharField(required=False, max_length=2000, label=_("Note"))
    to_partner = forms.BooleanField(required=False, label=_("reply to the partner"))
    take = forms.BooleanField(required=False, label=_("I own this"))


class PartnerForm(forms.Form):
    code = forms.SlugField(max_length=32, label=_("Code"))
    name = forms.CharField(max_length=300, label=pgettext_lazy("partner agency", "Name"))
    country = forms.CharField(max_length=2, label=_("Country (ISO code)"))
    language = forms.CharField(max_length=8, initial="ru", label=_("Language"))


class ThresholdForm(forms.Form):
    auto = forms.FloatField(min_value=0, max_value=1, label=_("Auto at or above"))
    review = forms.FloatField(min_value=0, max_value=1, label=_("Review at or above"))


class StatusWordForm(forms.Form):
    word = forms.CharField(max_length=200, label=_("Their word"))
    event = forms.ChoiceField(choices=WORD_EVENTS, label=_("Means"))
    partner = forms.ModelChoiceField(Partner.objects.order_by("code"), required=False, label=_("Only for partner"))
    note = forms.CharField(max_length=200, required=False, label=_("Note added to the event"))
