from django.urls import path

from . import liaison, views

app_name = "exchange"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.export, name="export"),
    path("import/", views.import_response, name="import"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("responses/<int:pk>/review/", views.review, name="review"),
    path("rows/<int:pk>/decide/", views.decide, name="decide"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("discrepancies/<int:pk>/", views.update_discrepancy, name="discrepancy"),
    path("discrepancies/<int:pk>/new-case/", views.new_case, name="new_case"),
    path("discrepancies/<int:pk>/link/", views.link_row, name="link_row"),
    path("partners/<str:code>/recheck/", views.recheck, name="recheck"),
    path("partners/", views.partners, name="partners"),
    path("partner/cases/", liaison.cases, name="liaison_cases"),
    path("partner/upload/", liaison.upload, name="liaison_upload"),
    path("partner/discrepancies/", liaison.discrepancies, name="liaison_discrepancies"),
    path("partner/discrepancies/<int:pk>/answer/", liaison.answer, name="liaison_answer"),
]
