"""A second factor for staff: TOTP from an authenticator app, or one of ten one-time recovery codes."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# The API answers system clients with tokens; its own permission checks the second factor of sessions.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class SecondFactorRequiredMiddleware:
    """Signed-in staff who have not confirmed a second factor in this session may only reach the 2FA pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_SECOND_FACTOR
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('second_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
