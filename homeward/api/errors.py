"""One error shape for every failure: {"error": {"status", "code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from homeward.registry.services import RegistryError


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def handle(exc, context):
    if isinstance(exc, RegistryError):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields = detail if isinstance(detail, dict) and "detail" not in detail else {}
    code = getattr(exc, "default_code", "error")
    body = {"error": {"status": response.status_code, "code": code, "message": _first_message(detail), "fields": fields}}
    return Response(body, status=response.status_code, headers={k: v for k, v in response.items()})


def error_response(status_code: int, code: str, message: str, fields: dict | None = None) -> Response:
    return Response({"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}},
                    status=status_code)


__all__ = ["handle", "error_response", "status"]
