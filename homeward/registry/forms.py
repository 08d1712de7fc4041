from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.date_reasons import date_reason
from tabular import PartialDate, parse_partial_date

from .lifecycle import Event
from .models import event_label


class PartialDateField(forms.CharField):
    """A date that may be only a year or a month, in any of the forms officials write."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_partial_date(value)
        except ValueError as exc:
            raise forms.ValidationError(date_reason(exc)) from None


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"))
    occurred_on = PartialDateField(label=_("When it happened"), help_text=_("e.g. 09.08.2024, 2024-08 or 2024"))
    source = forms.CharField(label=_("Source"), max_length=200, required=False,
                             help_text=_("Who says so: host ministry, family, embassy…"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)

    def __init__(self, *args, allowed: list[Event], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(e.value, event_label(e)) for e in allowed]

    def clean_occurred_on(self) -> PartialDate:
        value = self.cleaned_data["occurred_on"]
        if value is None:
            raise forms.ValidationError(_("Say when it happened (a year is enough if that is all that is known)."))
        if value.first_day > date.today():
            raise forms.ValidationError(_("That date is in the future."))
        return value


class CorrectionForm(EventForm):
    note = forms.CharField(label=_("Why the record was wrong"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class FiguresForm(forms.Form):
    on = forms.DateField(label=_("Figures as of"), widget=forms.DateInput(attrs={"type": "date"}))
    known_at = forms.DateField(label=_("As known on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Leave empty for what we know now"))
    origin = forms.CharField(label=_("Origin country"), max_length=2, required=False)
