"""The HTTP API: thin views over the same services, selectors and scoping as the pages."""

from datetime import timezone as dt_timezone

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.views import APIView

from homeward.access import PERSON_LEVEL, RECORDING, Role, figures_origin, suppression, visible_cases
from homeward.accounts.models import Partner
from homeward.audit import services as audit
from homeward.exchange import services as exchange
from homeward.registry import selectors, services
from homeward.registry.figures import figures
from homeward.registry.lifecycle import Event

from . import serializers
from .permissions import declare

MAX_ID = 2**63 - 1  # larger path ids cannot name a row and would overflow the database's integers
FIGURES_ROLES = {Role.HQ_OFFICER, Role.MISSION_OFFICER, Role.ANALYST, Role.ADMINISTRATOR}


def _case(request, reference):
    return get_object_or_404(visible_cases(request.user).select_related("person"), reference=reference)


@declare(read_roles=PERSON_LEVEL)
class CaseList(generics.ListAPIView):
    serializer_class = serializers.CaseListSerializer

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="name in any script, or reference"),
        OpenApiParameter("status", str), OpenApiParameter("state", str, description="home state"),
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.search_cases(visible_cases(self.request.user), query=params.get("q", "")[:200],
                                      status=params.get("status", "")[:32], home_state=params.get("state", "")[:100])

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        audit.record_reads(self.request.user, page, action=audit.Action.SEARCH, detail="api")
        return page


@declare(read_roles=PERSON_LEVEL)
class CaseDetail(APIView):
    @extend_schema(responses=serializers.CaseSerializer)
    def get(self, request, reference):
        case = _case(request, reference)
        audit.record_reads(request.user, [case], detail="api")
        return Response(serializers.CaseSerializer(case).data)


@declare(read_roles=PERSON_LEVEL)
class PersonDetail(APIView):
    @extend_schema(responses=serializers.PersonSerializer)
    def get(self, request, person_id: int):
        if person_id > MAX_ID:
            raise Http404
        case = get_object_or_404(visible_cases(request.user).select_related("person"), person_id=person_id)
        audit.record_reads(request.user, [case.person], detail="api")
        return Response(serializers.PersonSerializer(case.person).data)


@declare(read_roles=PERSON_LEVEL, write_roles=RECORDING)
class CaseEvents(APIView):
    @extend_schema(responses=serializers.EventSerializer(many=True))
    def get(self, request, reference):
        case = _case(request, reference)
        audit.record_reads(request.user, [case], detail="api: events")
        events = case.events.select_related("recorded_by").order_by("occurred_from", "recorded_at", "id")
        return Response(serializers.EventSerializer(events, many=True).data)

    @extend_schema(request=serializers.NewEventSerializer, responses={201: serializers.EventSerializer})
    def post(self, request, reference):
        case = _case(request, reference)
        data = serializers.NewEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        common = dict(case=case, kind=Event(fields["kind"]), occurred_on=fields["occurred_on"],
                      source=fields["source"], note=fields["note"], recorded_by=request.user)
        if fields["is_correction"]:
            corrects = get_object_or_404(case.events, pk=fields["corrects"]) if fields["corrects"] else None
            event = services.record_correction(corrects=corrects, **common)
        else:
            event = services.record_event(**common)
        return Response(serializers.EventSerializer(event).data, status=201)


@declare(read_roles=PERSON_LEVEL, write_roles=RECORDING)
class CaseReports(APIView):
    @extend_schema(responses=serializers.ReportSerializer(many=True))
    def get(self, request, reference):
        case = _case(request, reference)
        audit.record_reads(request.user, [case], detail="api: reports")
        return Response(serializers.ReportSerializer(case.reports.all(), many=True).data)

    @extend_schema(request=serializers.ReportSerializer, responses={201: serializers.ReportSerializer})
    def post(self, request, reference):
        case = _case(request, reference)
        data = serializers.ReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.add_report(case=case, report=services.ReportInput(**data.validated_data),
                                     recorded_by=request.user)
        return Response(serializers.ReportSerializer(report).data, status=201)


@declare(read_roles=FIGURES_ROLES)
class Figures(APIView):
    @extend_schema(parameters=[serializers.FiguresQuerySerializer], responses=serializers.FiguresSerializer)
    def get(self, request):
        query = serializers.FiguresQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        known_at = query.validated_data.get("known_at")
        if known_at and timezone.is_naive(known_at):
            known_at = timezone.make_aware(known_at, dt_timezone.utc)
        origin = figures_origin(request.user) or query.validated_data.get("origin", "").upper() or None
        result = figures(query.validated_data["on"], known_at, origin=origin)
        audit.record(request.user, audit.Action.VIEW, target_type="figures", label=f"figures on {result.on}", detail="api")
        # Suppressed as on every page: the by-state table against the same total row.
        counts, breakdowns = suppression.figures(result, request.user, by=("state",))
        body = {"on": result.on, "known_at": known_at, "origin": origin, **counts,
                "by_home_state": breakdowns["state"]}
        return Response(serializers.FiguresSerializer(body).data)


def no_such_endpoint(request, *args, **kwargs):
    """Unknown API paths answer in the API's error shape, not with the site's HTML page."""
    return JsonResponse({"error": {"status": 404, "code": "not_found", "message": "no such endpoint", "fields": {}}},
                        status=404)


MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@declare(write_roles={Role.HOST_LIAISON, Role.HQ_OFFICER, Role.MISSION_OFFICER})
class ExchangeResponses(APIView):
    """A partner's system posts its response list; it is linked and queued exactly as an upload on the site."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": serializers.ResponseUploadSerializer},
                   responses={201: serializers.ResponseResultSerializer, 200: serializers.ResponseResultSerializer})
    def post(self, request):
        data = serializers.ResponseUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if user.role == Role.HOST_LIAISON:
            partner = user.partner
            if data.validated_data.get("partner") not in (None, partner.code if partner else None):
                raise PermissionDenied("a liaison uploads for its own agency only")
        else:
            partner = Partner.objects.filter(code=data.validated_data.get("partner", "")).first()
        if partner is None:
            raise NotFound("no partner with that code")
        upload = data.validated_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError({"file": ["a response list is at most 50 MB"]})
        result = exchange.import_response(partner=partner, content=upload.read(), file_name=upload.name, by=user)
        body = {"response": result.response.pk if result.response else None,
                "already_imported": result.already_imported, "counts": result.counts, "errors": result.errors}
        if result.errors:
            raise ValidationError({"file": result.errors[:100]})
        return Response(serializers.ResponseResultSerializer(body).data, status=200 if result.already_imported else 201)
