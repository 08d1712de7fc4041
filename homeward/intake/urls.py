from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("report/", views.family_report, name="family_report"),
    path("report/thanks/", views.family_thanks, name="family_thanks"),
    path("status/", views.family_status_lookup, name="family_lookup"),
    path("status/case/", views.family_status, name="family_status"),
    path("status/leave/", views.family_leave, name="family_leave"),
    path("new/", views.new_case, name="new_case"),
    path("cases/<str:reference>/report/", views.new_case, name="add_report"),
    path("cases/<str:reference>/merge/", views.merge, name="merge"),
    path("cases/<str:reference>/unmerge/", views.unmerge, name="unmerge"),
    path("candidates/", views.candidates, name="candidates"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:item_id>/", views.decide, name="decide"),
    path("upload/", views.upload, name="upload"),
    path("upload/<int:upload_id>/", views.upload_preview, name="upload_preview"),
    path("upload/<int:upload_id>/commit/", views.upload_commit, name="upload_commit"),
    path("upload/<int:upload_id>/rejected.xlsx", views.upload_rejected, name="upload_rejected"),
]
