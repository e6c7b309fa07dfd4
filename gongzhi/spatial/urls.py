from django.urls import path

from gongzhi.spatial import views

app_name = "spatial"

urlpatterns = [
    path("c/<slug:slug>/access/", views.access_page, name="access"),
    path("c/<slug:slug>/access/what-if/", views.what_if_page, name="what_if"),
    path("c/<slug:slug>/access/settings/", views.settings_page, name="settings"),
    path("c/<slug:slug>/access/access.csv", views.access_csv, name="csv"),
    path("c/<slug:slug>/access/access.geojson", views.access_geojson, name="geojson"),
    path("areas/<int:pk>/access/", views.area_access, name="area"),
]
