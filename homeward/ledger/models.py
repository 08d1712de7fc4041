"""What was promised to each recruit and his family, and what has been paid: money as Decimal, history as entries."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.accounts.models import Partner
from homeward.appendonly import AppendOnlyModel
from homeward.registry.models import PARTIAL_DATE, Case

MONEY = dict(max_digits=16, decimal_places=2)
CURRENCY = dict(max_length=3, help_text=_("ISO 4217 code such as RUB, INR or NPR"))


class Contract(AppendOnlyModel):
    """Contract facts as learned; a later entry for the same case supersedes an earlier one."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contracts")
    signed_on = models.CharField(**PARTIAL_DATE)
    term = models.CharField(max_length=100, blank=True, help_text=_("e.g. one year"))
    number = models.CharField(max_length=64, blank=True)
    unit = models.CharField(max_length=100, blank=True)
    promised_pay = models.DecimalField(**MONEY, null=True, blank=True)
    actual_pay = models.DecimalField(**MONEY, null=True, blank=True)
    pay_currency = models.CharField(**CURRENCY, blank=True)
    pay_period = models.CharField(max_length=20, blank=True, default="month")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["recorded_at", "id"]


class Obligation(models.Model):
    """One sum owed to a recruit or his family. Its amount is never edited: a wrong one is disputed or superseded."""

    class Kind(models.TextChoices):
        SALARY_ARREARS = "salary_arrears", _("salary arrears")
        SIGN_ON_BONUS = "sign_on_bonus", _("sign-on bonus")
        INJURY = "injury", _("injury payment")
        DEATH = "death_compensation", _("death compensation")
        INSURANCE = "insurance", _("insurance")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="obligations")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True, help_text=_("e.g. which wound, which months"))
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(**CURRENCY)
    arose_on = models.DateField(help_text=_("When it became owed"))
    legal_basis = models.CharField(max_length=300, blank=True)
    debtor = models.CharField(max_length=200, help_text=_("Who owes it"))
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="obligations")
    documents_required = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["case", "arose_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.case.reference})"


class ObligationState(models.TextChoices):
    CLAIMED = "claimed", _("claimed")
    DOCUMENTS_SENT = "documents_sent", _("documents sent")
    APPROVED = "approved", _("approved")
    PAID_IN_PART = "paid_in_part", _("paid in part")
    PAID = "paid", _("paid")
    DISPUTED = "disputed", _("disputed")


class StateEntry(AppendOnlyModel):
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="states")
    state = models.CharField(max_length=20, choices=ObligationState.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["on", "recorded_at", "id"]


class ExchangeRate(AppendOnlyModel):
    """One unit of `from_currency` is worth `rate` of `to_currency` on `on`, according to `source`."""

    from_currency = models.CharField(**CURRENCY)
    to_currency = models.CharField(**CURRENCY)
    rate = models.DecimalField(max_digits=20, decimal_places=8)
    on = models.DateField()
    source = models.CharField(max_length=200, help_text=_("e.g. Reserve Bank of India reference rate"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-on", "from_currency", "to_currency"]
        constraints = [models.UniqueConstraint(fields=["from_currency", "to_currency", "on"], name="one_rate_per_pair_and_day")]

    def __str__(self) -> str:
        return f"1 {self.from_currency} = {self.rate} {self.to_currency} on {self.on}"


class Payment(AppendOnlyModel):
    """A tranche paid against an obligation; a mistake is undone by a reversing entry, never by an edit."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField()
    amount = models.DecimalField(**MONEY, help_text=_("As paid, in the payment's currency; negative for a reversal"))
    currency = models.CharField(**CURRENCY)
    # What the payment counts for in the obligation's currency, and the recorded rate that says so.
    settled_amount = models.DecimalField(**MONEY)
    rate = models.ForeignKey(ExchangeRate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=200, blank=True)
    recipient = models.CharField(max_length=200, blank=True, help_text=_("Next of kin who received it"))
    paid_via = models.CharField(max_length=200, blank=True, help_text=_("e.g. the embassy in Moscow"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["paid_on", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.paid_on}"
