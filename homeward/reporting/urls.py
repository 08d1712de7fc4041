from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("charts/<str:name>.svg", views.chart, name="chart"),
    path("series/", views.series_table, name="series"),
    path("brief.pdf", views.brief_pdf, name="brief"),
    path("statements/", views.statements, name="statements"),
    path("statements/new/", views.add_statement, name="add_statement"),
    path("statements/<int:pk>/", views.statement, name="statement"),
]
