from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward.accounts.models import Partner
from homeward.registry.forms import PartialDateField

from .models import Obligation, ObligationState

DATE = forms.DateInput(attrs={"type": "date"})


class ContractForm(forms.Form):
    signed_on = PartialDateField(label=_("Signed on"), required=False)
    term = forms.CharField(label=_("Term"), max_length=100, required=False)
    number = forms.CharField(label=_("Contract number"), max_length=64, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    promised_pay = forms.DecimalField(label=_("Promised pay per month"), max_digits=16, decimal_places=2, required=False)
    actual_pay = forms.DecimalField(label=_("Actual pay per month"), max_digits=16, decimal_places=2, required=False)
    pay_currency = forms.CharField(label=_("Currency"), max_length=3, required=False)


class ObligationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Obligation.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False,
                                  help_text=_("e.g. which wound, which months"))
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    arose_on = forms.DateField(label=_("Owed since"), widget=DATE)
    debtor = forms.CharField(label=_("Who owes it"), max_length=200)
    partner = forms.ModelChoiceField(label=_("Partner agency"), queryset=Partner.objects.all(), required=False)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    documents_required = forms.CharField(label=_("Documents the payer requires"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    reference = forms.CharField(label=pgettext_lazy("payment", "Reference"), max_length=200, required=False)
    recipient = forms.CharField(label=_("Recipient (next of kin)"), max_length=200, required=False)
    paid_via = forms.CharField(label=_("Paid via"), max_length=200, required=False)


class StateForm(forms.Form):
    # Paid and paid in part are not recorded: they are read from the payments.
    state = forms.ChoiceField(label=_("State"), choices=[
        (value, label) for value, label in ObligationState.choices
        if value not in (ObligationState.PAID_IN_PART, ObligationState.PAID)])
    on = forms.DateField(label=_("On"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReversalForm(forms.Form):
    on = forms.DateField(label=_("Reversed on"), widget=DATE)
    reason = forms.CharField(label=_("Why"), max_length=2000)


class RateForm(forms.Form):
    from_currency = forms.CharField(label=pgettext_lazy("exchange rate", "From"), max_length=3)
    to_currency = forms.CharField(label=pgettext_lazy("exchange rate", "To"), max_length=3)
    rate = forms.DecimalField(label=_("Rate"), max_digits=20, decimal_places=8, min_value=0)
    on = forms.DateField(label=_("On"), widget=DATE)
    source = forms.CharField(label=_("Source"), max_length=200)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE)
