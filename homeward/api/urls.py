from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from homeward.access import view_access

from . import views

app_name = "api"
urlpatterns = [
    path("cases/", views.CaseList.as_view(), name="cases"),
    path("cases/<str:reference>/", views.CaseDetail.as_view(), name="case"),
    path("cases/<str:reference>/events/", views.CaseEvents.as_view(), name="case_events"),
    path("cases/<str:reference>/reports/", views.CaseReports.as_view(), name="case_reports"),
    path("persons/<int:person_id>/", views.PersonDetail.as_view(), name="person"),
    path("figures/", views.Figures.as_view(), name="figures"),
    path("exchange/responses/", views.ExchangeResponses.as_view(), name="exchange_responses"),
    path("schema/", view_access(public=True)(SpectacularAPIView.as_view(api_version="v1")), name="schema"),
    re_path(r"", view_access(public=True)(views.no_such_endpoint)),
]
