from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from homeward.access import view_access

public = view_access(public=True)

urlpatterns = [
    path("", include("homeward.registry.urls")),
    path("intake/", include("homeward.intake.urls")),
    path("exchange/", include("homeward.exchange.urls")),
    path("ledger/", include("homeward.ledger.urls")),
    path("reporting/", include("homeward.reporting.urls")),
    path("accounts/login/", public(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
