from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/events/", views.add_event, name="add_event"),
    path("cases/<str:reference>/identifiers/<int:identifier_id>/reveal/", views.reveal_identifier,
         name="reveal_identifier"),
    path("figures/", views.figures_page, name="figures"),
]
