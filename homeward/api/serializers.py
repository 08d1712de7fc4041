from datetime import date

from drf_spectacular.utils import extend_schema_field
from django.utils import timezone
from rest_framework import serializers

from homeward.registry.figures import end_of_day
from homeward.registry.lifecycle import FILE_EVENTS
from homeward.registry.models import Case, CaseEvent, Person, PersonIdentifier, PersonName, Report
from tabular import parse_partial_date


class PartialDateField(serializers.CharField):
    """'2024', '2024-08' or '2024-08-09' (and the day-first forms officials write)."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if len(text) > 32:
            raise serializers.ValidationError("A date is at most 32 characters long.")
        try:
            value = parse_partial_date(text)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        if value is None:
            raise serializers.ValidationError("This field may not be blank.")
        return value


class NameSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonName
        fields = ["full_name", "script", "given_name", "family_name", "patronymic", "source"]


class IdentifierSerializer(serializers.ModelSerializer):
    masked = serializers.CharField(source="display", read_only=True)

    class Meta:
        model = PersonIdentifier
        fields = ["id", "kind", "masked", "country"]


class PersonSerializer(serializers.ModelSerializer):
    names = NameSerializer(many=True, read_only=True)
    identifiers = IdentifierSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "names", "sex", "date_of_birth", "home_country", "home_state", "home_district",
                  "home_village", "identifiers"]


class CaseSerializer(serializers.ModelSerializer):
    person = PersonSerializer(read_only=True)
    office = serializers.CharField(source="office.code", default=None, read_only=True)

    class Meta:
        model = Case
        fields = ["reference", "status", "origin_country", "host_country", "office", "person", "left_home_on",
                  "route", "promised_job", "recruiting_agent_as_told", "contract_date", "contract_number",
                  "military_unit", "last_known_location", "created_at"]


class CaseListSerializer(serializers.ModelSerializer):
    names = serializers.SerializerMethodField()
    date_of_birth = serializers.CharField(source="person.date_of_birth")
    home_state = serializers.CharField(source="person.home_state")

    class Meta:
        model = Case
        fields = ["reference", "status", "origin_country", "host_country", "names", "date_of_birth", "home_state"]

    def get_names(self, case) -> list[str]:
        return [n.full_name for n in case.person.names.all()]


class EventSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", default=None, read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "occurred_on", "recorded_at", "recorded_by", "source", "note", "is_correction",
                  "corrects", "details"]


class NewEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(FILE_EVENTS))
    occurred_on = PartialDateField()
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    is_correction = serializers.BooleanField(required=False, default=False)
    corrects = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "source_type", "reporter_name", "relation", "contact", "channel", "received_on",
                  "original_text", "consent_to_share", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]
        extra_kwargs = {"original_text": {"max_length": 20000}}


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["<5", "x"]}]})
class CountField(serializers.Field):
    """A count; for a role that sees small cells suppressed, "<5" for a count under 5 and "x" for a
    larger one hidden so that a small one cannot be worked out by subtraction."""

    def to_representation(self, value):
        return value


class FiguresSerializer(serializers.Serializer):
    on = serializers.DateField()
    known_at = serializers.DateTimeField(allow_null=True)
    origin = serializers.CharField(allow_null=True)
    known = CountField()
    killed = CountField()
    discharged = CountField()
    missing = CountField()
    prisoner = CountField()
    remaining = CountField()
    by_home_state = serializers.DictField(child=serializers.DictField(child=CountField()))


class KnownAtField(serializers.DateTimeField):
    """A moment; a bare date means "as known on that day": its end (UTC), as on the dashboard and in
    `homeward figures`."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                pass
            else:
                return end_of_day(day)
        return super().to_internal_value(value)


class FiguresQuerySerializer(serializers.Serializer):
    on = serializers.DateField()
    known_at = KnownAtField(required=False, help_text="what had been recorded by then; a date means its end (UTC)")
    origin = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)

    def validate_known_at(self, value):
        # as on the dashboard: what will be known later is not known yet (the answer would be today's)
        if value is not None and value.date() > timezone.now().date():
            raise serializers.ValidationError("That date is in the future.")
        return value


class ResponseUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="the partner's response list, XLSX or CSV")
    partner = serializers.SlugField(required=False, help_text="partner code; a liaison's own partner when omitted")


class ResponseCountsSerializer(serializers.Serializer):
    by_reference = serializers.IntegerField()
    auto = serializers.IntegerField()
    review = serializers.IntegerField()
    host_only = serializers.IntegerField()
    errors = serializers.IntegerField()


class ResponseResultSerializer(serializers.Serializer):
    response = serializers.IntegerField(allow_null=True)
    already_imported = serializers.BooleanField()
    counts = ResponseCountsSerializer()
    errors = serializers.ListField(child=serializers.CharField())
