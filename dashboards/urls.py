"""URLs of the dashboards app (mounted at /dashboards/)."""
from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("done/", views.done, name="done"),
    path("units/<int:pk>/", views.unit_dashboard, name="unit"),
    path("ranking/", views.ranking_home, name="ranking"),
    path("units/<int:pk>/ranking/", views.unit_ranking, name="unit_ranking"),
    path("units/<int:pk>/criticism/", views.criticism_confirm, name="criticism_confirm"),
    path("units/<int:pk>/ranking/not-reporting/", views.not_reporting_flag, name="not_reporting_flag"),
    path("units/<int:pk>/weekly-report.pdf", views.report_pdf, name="report_pdf"),
    path("units/<int:pk>/weekly-report.xlsx", views.report_xlsx, name="report_xlsx"),
]
