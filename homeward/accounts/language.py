"""Host liaisons work in their agency's language (Russian for a Russian ministry) unless they choose another."""

from django.conf import settings
from django.utils import translation


class PartnerLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if user is not None and user.is_authenticated and user.partner_id and not chosen:
            language = user.partner.language
            if language in dict(settings.LANGUAGES):
                request.LANGUAGE_CODE = language
                # override, not activate: the language must not outlive this request in the thread.
                with translation.override(language):
                    return self.get_response(request)
        return self.get_response(request)
