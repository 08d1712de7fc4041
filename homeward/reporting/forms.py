from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"})
# The keys are selectors.BREAKDOWNS.
BY_CHOICES = [("state", _("home state")), ("origin", _("origin country")), ("district", _("home district")),
              ("agent", _("recruiting agent")), ("partner", _("partner")), ("month", _("month of recruitment"))]


class DashboardForm(forms.Form):
    on = forms.DateField(label=_("Figures as of"), widget=DATE)
    known_at = forms.DateField(label=_("As known on"), required=False, widget=DATE,
                               help_text=_("Leave empty for what we know now"))
    origin = forms.CharField(label=_("Origin country"), max_length=2, required=False)
    by = forms.ChoiceField(label=_("Breakdown by"), choices=BY_CHOICES, required=False)

    def clean(self):
        data = super().clean()
        if data.get("on") and data.get("known_at") and data["known_at"] > date.today():
            self.add_error("known_at", _("That date is in the future."))
        return data


class StatementForm(forms.Form):
    published_on = forms.DateField(label=_("Published on"), widget=DATE)
    figures_on = forms.DateField(label=_("Figures as of"), required=False, widget=DATE,
                                 help_text=_("Leave empty if the same day"))
    forum = forms.CharField(label=_("Forum"), max_length=300, help_text=_("e.g. Lok Sabha written answer"))
    origin_country = forms.CharField(label=_("Origin country"), max_length=2, required=False)
    known = forms.IntegerField(label=_("known"), min_value=0, required=False)
    killed = forms.IntegerField(label=_("killed"), min_value=0, required=False)
    discharged = forms.IntegerField(label=_("discharged"), min_value=0, required=False)
    missing = forms.IntegerField(label=_("missing"), min_value=0, required=False)
    prisoner = forms.IntegerField(label=_("prisoner"), min_value=0, required=False)
    remaining = forms.IntegerField(label=_("remain"), min_value=0, required=False)
    remaining_includes_missing = forms.BooleanField(label=_("“Remain” includes the missing"), required=False)
    remaining_includes_prisoner = forms.BooleanField(label=_("“Remain” includes prisoners"), required=False)
    text = forms.CharField(label=_("Text as published"), widget=forms.Textarea(attrs={"rows": 4}))
    source_url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
