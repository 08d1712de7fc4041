"""Where a request came from: the address throttles count against."""

from django.conf import settings


def client_address(request) -> str:
    """The visitor's address: REMOTE_ADDR, or behind settings.TRUSTED_PROXIES proxies the address the
    outermost trusted proxy saw (addresses further left in X-Forwarded-For are the visitor's to invent)."""
    if request is None:
        return "unknown"
    trusted = settings.TRUSTED_PROXIES
    if trusted:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
