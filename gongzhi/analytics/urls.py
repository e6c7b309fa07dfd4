from django.urls import path

from gongzhi.analytics import views

app_name = "analytics"

urlpatterns = [
    path("c/<slug:slug>/analytics/", views.dashboard, name="dashboard"),
    path("areas/<int:pk>/analytics/", views.area, name="area"),
]
