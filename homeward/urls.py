from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from homeward.access import view_access
from homeward.accounts import views as account_views

public = view_access(public=True)

urlpatterns = [
    path("", include("homeward.registry.urls")),
    path("intake/", include("homeward.intake.urls")),
    path("exchange/", include("homeward.exchange.urls")),
    path("ledger/", include("homeward.ledger.urls")),
    path("reporting/", include("homeward.reporting.urls")),
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/second-factor/", account_views.second_factor, name="second_factor"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", include("homeward.api.urls")),
    path("audit/", include("homeward.audit.urls")),
    # The admin signs in through the same throttled, two-factor sign-in as every other page.
    path("admin/login/", public(RedirectView.as_view(pattern_name="login", query_string=True)), name="admin_login"),
    path("admin/", admin.site.urls),
]
