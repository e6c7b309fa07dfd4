from django.urls import path

from gongzhi.analytics import views

app_name = "analytics"

urlpatterns = [
    path("c/<slug:slug>/analytics/", views.dashboard, name="dashboard"),
    path("c/<slug:slug>/analytics/report.pdf", views.report_pdf, name="report_pdf"),
    path("c/<slug:slug>/analytics/open-data.zip", views.open_data, name="open_data"),
    path("c/<slug:slug>/analytics/research.zip", views.research, name="research"),
    path("areas/<int:pk>/analytics/", views.area, name="area"),
    path("areas/<int:pk>/analytics/research.zip", views.area_research, name="area_research"),
    path("areas/<int:pk>/analytics/report.pdf", views.area_pdf, name="area_pdf"),
]
