from django.urls import path

from gongzhi.analytics import views

app_name = "analytics"

urlpatterns = [
    path("c/<slug:slug>/analytics/", views.dashboard, name="dashboard"),
    path("c/<slug:slug>/analytics/report.pdf", views.report_pdf, name="report_pdf"),
    path("areas/<int:pk>/analytics/", views.area, name="area"),
]
