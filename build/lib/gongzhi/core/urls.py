from django.urls import path

from gongzhi.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("switch/", views.switch_community, name="switch"),
    path("c/<slug:slug>/", views.community, name="community"),
    path("c/<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path("areas/<int:pk>/", views.area, name="area"),
]
