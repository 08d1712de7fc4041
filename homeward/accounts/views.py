import io
import math

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login

from homeward.access import ALL_STAFF, view_access

from . import services
from .forms import SecondFactorForm, ThrottledAuthenticationForm

login = view_access(public=True)(auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm))
logout = view_access(public=True)(auth_views.LogoutView.as_view())


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def _paused_message(until) -> str:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if seconds < 120:
        return ngettext("Too many wrong codes. Wait %(count)d second, then try again.",
                        "Too many wrong codes. Wait %(count)d seconds, then try again.", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("Too many wrong codes. Wait %(count)d minute, then try again.",
                    "Too many wrong codes. Wait %(count)d minutes, then try again.", minutes) % {"count": minutes}


@view_access(roles=ALL_STAFF)
def second_factor(request):
    """Set up an authenticator on first use; afterwards, ask for a code once per sign-in."""
    user = request.user
    form = SecondFactorForm(request.POST or None)
    if not services.has_second_factor(user):
        device = services.pending_totp_device(user)
        if request.method == "POST" and form.is_valid():
            codes = services.confirm_totp(user, device, form.cleaned_data["token"])
            if codes:
                otp_login(request, device)
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
            form.add_error("token", _("That code is not right. Check the clock of your phone and try again."))
        return render(request, "accounts/second_factor_setup.html", {
            "form": form, "secret": device.config_url.split("secret=")[1].split("&")[0],
            "qr": _qr_svg(device.config_url), "next": _safe_next(request),
        })
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_second_factor(user, form.cleaned_data["token"])
        except services.SecondFactorPaused as paused:
            form.add_error("token", _paused_message(paused.until))
        else:
            if device:
                otp_login(request, device)
                return redirect(_safe_next(request))
            form.add_error("token", _("That code is not right."))
    return render(request, "accounts/second_factor.html", {"form": form, "next": _safe_next(request)})
