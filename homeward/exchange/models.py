from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward import crypto
from homeward.accounts.models import Partner, User
from homeward.appendonly import AppendOnlyModel
from homeward.registry.lifecycle import STATUS_EVENTS, Event
from homeward.registry.models import Case, event_label_lazy

# What a partner's status word may stand for: any status event except merges, which only we make.
WORD_EVENTS = [(e.value, event_label_lazy(e)) for e in Event if e in STATUS_EVENTS and e is not Event.MERGED]
CITIZENSHIP_TEXT_MAX = 200


class Ask(models.TextChoices):
    IDENTIFY = "identify", _("identify")
    DISCHARGE = "discharge", _("discharge")
    CONFIRM_DEATH = "confirm_death", _("confirm death")
    RETURN_REMAINS = "return_remains", _("return remains")
    PAY_COMPENSATION = "pay_compensation", _("pay compensation")
    RECHECK = "recheck", _("re-check")


class PartnerSettings(models.Model):
    """Per-partner link thresholds; a partner without a row uses the settings' defaults."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="exchange_settings")
    auto_threshold = models.FloatField(help_text=_("At or above this match probability a link is proposed as auto"))
    review_threshold = models.FloatField(help_text=_("Below this a row is host-only; in between it is reviewed"))


class StatusWord(models.Model):
    """A word a partner writes in its status column and the event it means for us."""

    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="status_words",
                                help_text=_("Empty: the word means this for every partner"))
    word = models.CharField(max_length=200, help_text=_("Stored folded (lower case, single spaces)"))
    event = models.CharField(max_length=32, choices=WORD_EVENTS)
    note = models.CharField(max_length=200, blank=True, help_text=_("Added to the event, e.g. 'in hospital'"))

    class Meta:
        ordering = ["word"]
        constraints = [models.UniqueConstraint(fields=["partner", "word"], name="one_meaning_per_partner_word")]

    def __str__(self) -> str:
        return f"{self.word} → {self.event}"


class RequestExport(models.Model):
    """One request list sent to a partner: who made it, when, for which cases, and the file's hash."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="request_exports")
    ask = models.CharField(max_length=32, choices=Ask.choices)
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    cases = models.ManyToManyField(Case, related_name="request_exports")
    # The rows as they went out ({case pk: values}), encrypted like every identity number: what the
    # liaison is shown, even after our record of the man changes.
    sent_rows_ciphertext = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"request {self.pk} to {self.partner.code}"


class Response(models.Model):
    """One response list received from a partner; its hash makes a second import of the same file a no-op."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="responses")
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    rows = models.PositiveIntegerField()
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["partner", "file_sha256"], name="one_import_per_response_file")]

    def __str__(self) -> str:
        return f"response {self.pk} from {self.partner.code} ({self.file_name})"


class ResponseRow(models.Model):
    class Link(models.TextChoices):
        BY_REFERENCE = "by_reference", _("linked by reference")
        AUTO = "auto", _("auto (machine-made)")
        REVIEW = "review", _("for review")
        HOST_ONLY = "host_only", _("host-only: unknown to us")

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        NEED_INFO = "need_info", _("need more information")

    class Outcome(models.TextChoices):
        AGREES = "agrees", _("status agrees")
        UPDATES = "updates", _("new information")
        CONFLICTS = "conflicts", _("status conflicts")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="response_rows")
    number = models.PositiveIntegerField(help_text=_("Row number in the file"))
    reference = models.CharField(max_length=32, blank=True)
    full_name = models.CharField(max_length=300)
    date_of_birth = models.CharField(max_length=10, blank=True)
    passport_ciphertext = models.TextField(blank=True)
    military_unit = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=200, blank=True)
    # The host's citizenship column as written (what an officer reads), and the origin country it names
    # (exchange.citizenship): which country's officers see the row while it is no case of ours.
    citizenship_text = models.CharField(max_length=CITIZENSHIP_TEXT_MAX, blank=True)
    citizenship = models.CharField(max_length=2, blank=True,
                                   help_text=_("ISO 3166-1 alpha-2 code of the country the host gives as the "
                                               "citizenship; empty when it gives none or we do not recognise it"))
    status_word = models.CharField(max_length=200)
    event = models.CharField(max_length=32, choices=WORD_EVENTS)
    occurred_on = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    link = models.CharField(max_length=16, choices=Link.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="response_rows")
    probability = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.TextField(blank=True)
    our_status_before = models.CharField(max_length=32, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["response", "number"]
        indexes = [models.Index(fields=["response", "link", "decision"])]

    def __str__(self) -> str:
        return f"row {self.number} of response {self.response_id}"

    @property
    def passport(self) -> str:
        return crypto.decrypt(self.passport_ciphertext) if self.passport_ciphertext else ""


class Discrepancy(models.Model):
    class Kind(models.TextChoices):
        CONFLICT = "conflict", _("status conflicts")
        OURS_ONLY = "ours_only", _("ours only: we asked, they have no record")
        HOST_ONLY = "host_only", _("host only: they list someone we do not know")
        NEED_INFO = "need_info", _("more information needed to link")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ASKED_AGAIN = "asked_again", _("asked again")
        ANSWERED = "answered", _("answered by the partner")
        RESOLVED = "resolved", _("resolved")

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="discrepancies")
    response = models.ForeignKey(Response, null=True, blank=True, on_delete=models.PROTECT, related_name="discrepancies")
    row = models.ForeignKey(ResponseRow, null=True, blank=True, on_delete=models.PROTECT, related_name="discrepancies")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="discrepancies")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["partner", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class DiscrepancyEntry(AppendOnlyModel):
    """One note in a discrepancy's thread: an officer's, the partner's answer, or what a service did.

    Never changed or deleted (the database refuses it on PostgreSQL): a later note says what changed.
    `for_partner` entries are the ones the partner's liaison reads: its own answers and the officers'
    replies to it; every other entry is internal to us.
    """

    discrepancy = models.ForeignKey(Discrepancy, on_delete=models.PROTECT, related_name="entries")
    at = models.DateTimeField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text=_("Empty for notes written by the system or carried "
                                                             "over from before threads"))
    # The author's role when writing (a User.Role value; no choices here, so that a new role is no migration).
    role = models.CharField(max_length=32, blank=True)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text=_("Set when the partner wrote it (its liaison's answer)"))
    text = models.TextField()
    for_partner = models.BooleanField(default=False, help_text=_("The partner's liaison may read it"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["discrepancy", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.discrepancy_id}: {self.text[:50]}"

    @property
    def role_label(self) -> str:
        return User.Role(self.role).label if self.role in User.Role.values else self.role
