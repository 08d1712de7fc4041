from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from homeward import crypto
from homeward.appendonly import AppendOnlyModel

from .lifecycle import Event

# What pages call each event, and a case by its status (a context of its own: "discharged" as one
# man's status is not the figures' "discharged", a plural in Russian).
LABELS = {
    Event.REPORTED: pgettext_lazy("case event", "reported"),
    Event.IDENTIFIED: pgettext_lazy("case event", "identified (located / confirmed in service)"),
    Event.DISCHARGE_REQUESTED: pgettext_lazy("case event", "discharge requested"),
    Event.CONTRACT_ANNULLED: pgettext_lazy("case event", "contract annulled"),
    Event.DISCHARGED: pgettext_lazy("case event", "discharged"),
    Event.RETURNED_HOME: pgettext_lazy("case event", "returned home"),
    Event.MISSING: pgettext_lazy("case event", "missing"),
    Event.PRISONER: pgettext_lazy("case event", "prisoner (captured by the other side)"),
    Event.KILLED: pgettext_lazy("case event", "killed"),
    Event.REMAINS_IDENTIFIED: pgettext_lazy("case event", "remains identified"),
    Event.REMAINS_REPATRIATED: pgettext_lazy("case event", "remains repatriated"),
    Event.CREMATED_LOCALLY: pgettext_lazy("case event", "cremated locally"),
    Event.NOT_IN_SERVICE: pgettext_lazy("case event", "not in service (host has no record / never enlisted)"),
    Event.MERGED: pgettext_lazy("case event", "merged into another case"),
    Event.RETRACTION: pgettext_lazy("case event", "retraction of an earlier event"),
    Event.UNMERGED: pgettext_lazy("case event", "merge undone"),
    Event.REQUEST_SENT: pgettext_lazy("case event", "request sent to partner"),
}


def event_label(kind: Event | str) -> str:
    """An event's or status's label in the language of the page."""
    return str(LABELS[Event(kind)])


def event_label_lazy(kind: Event | str):
    """The same, translated when shown (for choices built at import time)."""
    return LABELS[Event(kind)]


ISO_COUNTRY = dict(max_length=2, help_text=_("ISO 3166-1 alpha-2 country code"))
# Dates that may be partial are stored as ISO text ('2024', '2024-08' or '2024-08-09'), which keeps
# their precision and still sorts in time order.
PARTIAL_DATE = dict(max_length=10, blank=True)


class Script(models.TextChoices):
    LATIN = "Latin"
    DEVANAGARI = "Devanagari"
    GURMUKHI = "Gurmukhi"
    GUJARATI = "Gujarati"
    BENGALI = "Bengali"
    ORIYA = "Oriya"
    TAMIL = "Tamil"
    TELUGU = "Telugu"
    KANNADA = "Kannada"
    MALAYALAM = "Malayalam"
    SINHALA = "Sinhala"
    CYRILLIC = "Cyrillic"
    OTHER = "Other"


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")
        OTHER = "X", _("other")
        UNKNOWN = "", _("unknown")

    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    date_of_birth = models.CharField(**PARTIAL_DATE)
    home_country = models.CharField(**ISO_COUNTRY, blank=True)
    home_state = models.CharField(max_length=100, blank=True, db_index=True)
    home_district = models.CharField(max_length=100, blank=True)
    home_village = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        name = self.names.first()
        return name.full_name if name else f"person #{self.pk}"


class PersonName(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    full_name = models.CharField(max_length=300)
    script = models.CharField(max_length=16, choices=Script.choices)
    given_name = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    patronymic = models.CharField(max_length=150, blank=True, help_text=_("Patronymic or father's name"))
    source = models.CharField(max_length=200, blank=True)
    # Case-folded name and cross-script phonetic key, so that a search finds a name in any script
    # with one indexed query instead of folding every row at query time.
    folded = models.CharField(max_length=300, db_index=True)
    search_key = models.CharField(max_length=400, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name


class PersonIdentifier(models.Model):
    """A passport, national ID or phone number: encrypted at rest, found through its keyed hash."""

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("passport")
        NATIONAL_ID = "national_id", _("national ID")
        PHONE = "phone", _("phone")

    MASKED_KINDS = frozenset({Kind.PASSPORT, Kind.NATIONAL_ID})

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    ciphertext = models.TextField()
    blind_index = models.CharField(max_length=64)
    country = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        indexes = [models.Index(fields=["kind", "blind_index"], name="registry_pe_kind_blind_idx")]

    @property
    def value(self) -> str:
        return crypto.decrypt(self.ciphertext)

    @property
    def display(self) -> str:
        """What a page shows by default: identity documents masked, phones in full."""
        return crypto.mask(self.value) if self.kind in self.MASKED_KINDS else self.value


class Case(models.Model):
    reference = models.CharField(max_length=32, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    origin_country = models.CharField(**ISO_COUNTRY)
    host_country = models.CharField(**ISO_COUNTRY)
    office = models.ForeignKey("accounts.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    left_home_on = models.CharField(**PARTIAL_DATE)
    route = models.CharField(max_length=200, blank=True, help_text=_("Route and visa type"))
    promised_job = models.CharField(max_length=200, blank=True)
    recruiting_agent_as_told = models.CharField(max_length=300, blank=True)
    contract_date = models.CharField(**PARTIAL_DATE)
    contract_number = models.CharField(max_length=64, blank=True)
    military_unit = models.CharField(max_length=100, blank=True)
    last_known_location = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A cache of the status derived from the event log as known now; the log stays the truth and
    # `homeward refresh_statuses` rebuilds this column from it.
    status = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["origin_country", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def status_label(self) -> str:
        return event_label(self.status) if self.status else ""


class ImportBatch(models.Model):
    """One imported file; its hash makes a second import of the same file a no-op."""

    kind = models.CharField(max_length=32)
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "file_sha256"], name="unique_import_per_file")]


class Report(models.Model):
    class SourceType(models.TextChoices):
        FAMILY = "family", _("family")
        RECRUIT = "recruit", _("the recruit himself")
        OFFICIAL = "official", _("official")
        MP = "mp", _("member of parliament")
        NGO = "ngo", _("NGO")
        MEDIA = "media", _("media")
        HOST_LIST = "host_list", _("host-country list")
        REGISTER = "register", _("legacy register")
        OTHER = "other", _("other")

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("email")
        LETTER = "letter", _("letter")
        IN_PERSON = "in_person", _("in person")
        WEB_FORM = "web_form", _("web form")
        SPREADSHEET = "spreadsheet", _("spreadsheet")
        OTHER = "other", _("other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    source_type = models.CharField(max_length=16, choices=SourceType.choices)
    reporter_name = models.CharField(max_length=200, blank=True)
    relation = models.CharField(max_length=100, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.OTHER)
    received_on = models.DateField()
    original_text = models.TextField(blank=True)
    consent_to_share = models.BooleanField(
        default=False, help_text=_("The reporter agreed that the person's details may be shared with the host "
                                   "country's authorities for identification"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["received_on", "id"]


class CaseEvent(AppendOnlyModel):
    """One assertion about what happened to a case. Never updated or deleted: corrections are new events."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, choices=[(e.value, event_label_lazy(e)) for e in Event])
    # When it happened in the world (possibly partial) and the first day of that, for ordering.
    occurred_on = models.CharField(max_length=10)
    occurred_from = models.DateField()
    # When we learned it.
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    source = models.CharField(max_length=200, blank=True, help_text=_("Who asserts it: host ministry, family, embassy…"))
    note = models.TextField(blank=True)
    is_correction = models.BooleanField(default=False)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")
    details = models.JSONField(default=dict, blank=True)
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["occurred_from", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["case", "occurred_from", "recorded_at"]),
            models.Index(fields=["recorded_at"]),
        ]

    @property
    def label(self) -> str:
        return event_label(self.kind)


class RecruitingAgent(models.Model):
    """A recruiter as reports describe him, kept apart so that one can see whom he sent."""

    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=64, blank=True, db_index=True)
    agency = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cases = models.ManyToManyField(Case, through="CaseAgent", related_name="recruiting_agents")

    def __str__(self) -> str:
        return " · ".join(p for p in (self.name, self.agency, self.city) if p) or f"agent #{self.pk}"


class CaseAgent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT)
    agent = models.ForeignKey(RecruitingAgent, on_delete=models.PROTECT)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT,
                               help_text=_("The report that named this agent"))
    promised = models.CharField(max_length=300, blank=True, help_text=_("What the agent promised, as told"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agent"], name="one_link_per_case_and_agent")]


class CaseGrant(models.Model):
    """A case made visible to an officer outside the office that holds it (e.g. a consulate helping)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_grants")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_grant_per_case_and_user")]


class StatusSpan(models.Model):
    """A cache of the event log's fold, like `Case.status`, but for every day and every state of knowledge.

    Each row says: the case's status was `status` on the days [valid_from, valid_to), according to what
    had been recorded during [known_from, known_to); open ends are NULL. For any (on, known_at) a case
    has at most one row, and it equals `lifecycle.status_on` (a property test holds them together).
    Rewritten for the cases concerned whenever their events are appended (`services.refresh_statuses`);
    `homeward refresh_statuses` rebuilds it from the log. The figures are counted over it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=32)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True)
    known_from = models.DateTimeField()
    known_to = models.DateTimeField(null=True)


class RequestSpan(models.Model):
    """A cache of which partners a case had been sent to, for the figures' breakdown by partner.

    A row says: a request to `source` had been sent for the case by every day from `valid_from` on,
    according to what was recorded during [known_from, known_to) (NULL: still). For any (on,
    known_at), a (case, source) has at most one row, so the breakdown needs no DISTINCT over the
    hundreds of thousands of request events. Kept with the status spans (spans.py).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=200, blank=True)
    valid_from = models.DateField()
    known_from = models.DateTimeField()
    known_to = models.DateTimeField(null=True)
