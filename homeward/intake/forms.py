from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.access import figures_origin
from homeward.accounts.models import Office
from homeward.registry import services as registry
from homeward.registry.forms import PartialDateField
from homeward.registry.models import Person, Report

from . import selectors
from .services import AgentInput, Entry

_NO_MARKUP = "<>"


def origin_choices():
    return getattr(settings, "HOMEWARD_ORIGIN_COUNTRIES", [("IN", _("India")), ("NP", _("Nepal"))])


def _plain(value: str, label) -> str:
    if any(c in value for c in _NO_MARKUP):
        raise forms.ValidationError(_("%(field)s cannot contain < or >.") % {"field": label})
    return value


class PastPartialDateField(PartialDateField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and value.first_day > timezone.now().date():
            raise forms.ValidationError(_("That date is in the future."))
        return value


class ReportForm(forms.Form):
    """What anyone reporting a man knows about him; families see only these fields."""

    full_name = forms.CharField(label=_("His name"), max_length=200,
                                help_text=_("As your family writes it, in any script"))
    other_names = forms.CharField(label=_("Other spellings of his name"), max_length=300, required=False,
                                  help_text=_("Separate several with commas"))
    father_name = forms.CharField(label=_("Father's name"), max_length=150, required=False)
    date_of_birth = PastPartialDateField(label=_("Date or year of birth"), required=False, widget=forms.TextInput(attrs={"maxlength": 20}),
                                         help_text=_("e.g. 14.03.1998 or 1998"))
    origin_country = forms.ChoiceField(label=_("His country"), choices=origin_choices)
    home_state = forms.CharField(label=_("Home state or province"), max_length=100, required=False)
    home_district = forms.CharField(label=_("District"), max_length=100, required=False)
    home_village = forms.CharField(label=_("Village or town"), max_length=100, required=False)
    passport_number = forms.CharField(label=_("Passport number, if known"), max_length=20, required=False)
    phone = forms.CharField(label=_("His phone number"), max_length=20, required=False)
    left_home_on = PastPartialDateField(label=_("When he left home"), required=False, widget=forms.TextInput(attrs={"maxlength": 20}),
                                        help_text=_("e.g. 08.2024 or 2024"))
    agent_name = forms.CharField(label=_("Name of the agent who recruited him"), max_length=200, required=False)
    agent_phone = forms.CharField(label=_("Agent's phone"), max_length=20, required=False)
    agent_agency = forms.CharField(label=_("Agent's company or agency"), max_length=200, required=False)
    agent_city = forms.CharField(label=_("Agent's city"), max_length=100, required=False)
    promised = forms.CharField(label=_("What was he promised?"), max_length=300, required=False,
                               help_text=_("e.g. job as a helper, salary"))
    last_contact = forms.CharField(label=_("Last contact with him"), max_length=500, required=False,
                                   help_text=_("When and how, and what he said"))
    details = forms.CharField(label=_("Anything else we should know"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    reporter_name = forms.CharField(label=_("Your name"), max_length=200)
    relation = forms.CharField(label=_("Your relation to him"), max_length=100, help_text=_("e.g. mother, brother"))
    reporter_phone = forms.CharField(label=_("Your phone"), max_length=20, required=False)
    reporter_email = forms.EmailField(label=_("Your email"), max_length=200, required=False)
    consent_to_share = forms.BooleanField(
        label=_("I agree that his details may be shared with the host country's authorities to find him"),
        required=False, help_text=_("Without this, his details are never sent to the host country."))

    def clean(self):
        data = super().clean()
        for name in ("full_name", "other_names", "father_name", "reporter_name", "agent_name"):
            if data.get(name):
                _plain(data[name], self.fields[name].label)
        if not (data.get("reporter_phone") or data.get("reporter_email")) and "reporter_name" in data \
                and self.require_contact:
            raise forms.ValidationError(_("Give a phone number or an email so that we can reach you."))
        return data

    require_contact = True

    def entry(self, *, source_type: str, channel: str, received_on: date, office=None) -> Entry:
        d = self.cleaned_data
        names = [registry.NameInput(full_name=d["full_name"], patronymic=d["father_name"], source=source_type)]
        names += [registry.NameInput(full_name=n.strip(), source=source_type)
                  for n in d["other_names"].split(",") if n.strip()]
        contact = " · ".join(p for p in (d["reporter_phone"], d["reporter_email"]) if p)
        return Entry(
            person=registry.PersonInput(
                names=names, date_of_birth=d["date_of_birth"], home_country=d["origin_country"],
                home_state=d["home_state"], home_district=d["home_district"], home_village=d["home_village"],
                passport_number=d["passport_number"], phone=d["phone"]),
            report=registry.ReportInput(
                source_type=source_type, received_on=received_on, reporter_name=d["reporter_name"],
                relation=d["relation"], contact=contact, channel=channel, original_text=d["details"],
                consent_to_share=d["consent_to_share"]),
            origin_country=d["origin_country"], left_home_on=d["left_home_on"], last_contact=d["last_contact"],
            agent=AgentInput(d["agent_name"], d["agent_phone"], d["agent_agency"], d["agent_city"], d["promised"]),
            office=office)


class FamilyReportForm(ReportForm):
    # Hidden from people by CSS; a bot that fills every field fills this one too.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))


class OfficerReportForm(ReportForm):
    require_contact = False
    source_type = forms.ChoiceField(label=_("Source"), choices=Report.SourceType.choices, initial="family")
    channel = forms.ChoiceField(label=_("Received by"), choices=Report.Channel.choices, initial="phone")
    received_on = forms.DateField(label=_("Received on"), initial=date.today,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(), required=False,
                                    error_messages={"invalid_choice": _("You may not file cases into that office.")})
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=200, required=False)
    relation = forms.CharField(label=_("Reporter's relation to him"), max_length=100, required=False)

    def __init__(self, *args, user, attaching_to=None, **kwargs):
        """`attaching_to`: the existing case the report goes to, if any (otherwise it opens a new case)."""
        super().__init__(*args, **kwargs)
        self.user, self.attaching_to = user, attaching_to
        self.fields["office"].queryset = selectors.filing_offices(user)

    def clean_origin_country(self):
        value = self.cleaned_data["origin_country"]
        allowed = figures_origin(self.user)
        if self.attaching_to is None and allowed and value != allowed:
            raise forms.ValidationError(_("You may only open cases of %(country)s.") % {
                "country": dict(origin_choices()).get(allowed, allowed)})
        return value

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.now().date():
            raise forms.ValidationError(_("That date is in the future."))
        return value

    def officer_entry(self, default_office) -> Entry:
        d = self.cleaned_data
        if default_office is not None and not self.fields["office"].queryset.filter(pk=default_office.pk).exists():
            default_office = None
        entry = self.entry(source_type=d["source_type"], channel=d["channel"], received_on=d["received_on"],
                           office=d["office"] or default_office)
        entry.person.sex = d["sex"]
        return entry


class StatusLookupForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=32)
    passcode = forms.CharField(label=_("Passcode"), max_length=40, widget=forms.PasswordInput)


class MoreInformationForm(forms.Form):
    text = forms.CharField(label=_("What you want to add"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    reporter_name = forms.CharField(label=_("Your name"), max_length=200)
    relation = forms.CharField(label=_("Your relation to him"), max_length=100)
    contact = forms.CharField(label=_("Your phone or email"), max_length=200, required=False)
    consent_to_share = forms.BooleanField(
        label=_("I agree that his details may be shared with the host country's authorities to find him"),
        required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Register (CSV or XLSX)"))
    origin_country = forms.ChoiceField(label=_("Country of origin, where the file has no column for it"),
                                       choices=origin_choices)
    host_country = forms.CharField(label=_("Host country"), max_length=2, initial="RU")


class MergeForm(forms.Form):
    absorbed = forms.CharField(label=_("Reference of the case to merge into this one"), max_length=32)
    note = forms.CharField(label=_("Why they are the same person"), max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
