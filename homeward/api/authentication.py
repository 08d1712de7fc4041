from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .tokens import user_for_key


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer hw_…` for system clients such as a partner's own system."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise exceptions.AuthenticationFailed("use the header Authorization: Bearer <key>")
        user = user_for_key(key.strip())
        if user is None:
            raise exceptions.AuthenticationFailed("unknown or revoked key")
        return user, "token"

    def authenticate_header(self, request):
        return 'Bearer realm="homeward"'


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """A browser session counts only once its second factor is confirmed (where that is required)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result and settings.REQUIRE_SECOND_FACTOR and not result[0].is_verified():
            return None
        return result


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = VerifiedSessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
