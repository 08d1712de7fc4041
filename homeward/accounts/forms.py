import ipaddress

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from homeward.access import client

from . import services


def client_address(request) -> str | None:
    """The address failures are counted against (behind trusted proxies, the one they saw), if it is one."""
    address = client.client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = AuthenticationForm.error_messages | {
        "paused": _("Too many failed attempts. Wait 15 minutes before trying again, or ask an administrator."),
    }

    def clean(self):
        username = self.cleaned_data.get("username", "")
        address = client_address(self.request)
        if services.login_paused(username, address):
            raise forms.ValidationError(self.error_messages["paused"], code="paused")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.record_failed_login(username, address)
            raise
        services.forget_failed_logins(username, address)
        return cleaned


class SecondFactorForm(forms.Form):
    token = forms.CharField(label=_("Code from your authenticator app, or a recovery code"), max_length=16,
                            # no numeric keypad: recovery codes hold the letters a-f
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off",
                                                          "autofocus": True}))
