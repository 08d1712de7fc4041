from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.export_totals, name="export"),
    path("rates/", views.add_rate, name="add_rate"),
    path("cases/<str:reference>/", views.case_ledger, name="case"),
    path("cases/<str:reference>/contract/", views.add_contract, name="add_contract"),
    path("cases/<str:reference>/obligations/", views.add_obligation, name="add_obligation"),
    path("obligations/<int:pk>/payments/", views.add_payment, name="add_payment"),
    path("obligations/<int:pk>/state/", views.change_state, name="change_state"),
    path("payments/<int:pk>/reverse/", views.reverse_payment, name="reverse_payment"),
]
