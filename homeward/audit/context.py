"""The request being served, so that services deep in a call can stamp audit entries with its id."""

import uuid
from contextvars import ContextVar

from django.conf import settings

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a trusted proxy's id is carried over: a visitor's own would let entries of different
        # requests share an id in the audit trail.
        given = request.headers.get("X-Request-Id", "")[:36] if settings.TRUSTED_PROXIES else ""
        request_id = given or str(uuid.uuid4())
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response
