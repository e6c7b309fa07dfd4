from django.urls import path

from gongzhi.spaces import views

app_name = "spaces"

urlpatterns = [
    path("c/<slug:slug>/map/", views.map_page, name="map"),
    path("c/<slug:slug>/spaces/", views.space_list, name="list"),
    path("c/<slug:slug>/spaces/new/", views.space_create, name="create"),
    path("c/<slug:slug>/spaces/export.geojson", views.export_geojson, name="export"),
    path("c/<slug:slug>/spaces/import/", views.import_geojson, name="import_geojson"),
    path("c/<slug:slug>/spaces/import-osm/", views.import_osm, name="import_osm"),
    path("c/<slug:slug>/spaces/duties/overdue/", views.duties_overdue, name="duties_overdue"),
    path("c/<slug:slug>/spaces/<int:pk>/", views.space_detail, name="detail"),
    path("c/<slug:slug>/spaces/<int:pk>/edit/", views.space_edit, name="edit"),
    path("c/<slug:slug>/spaces/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("c/<slug:slug>/spaces/<int:pk>/photos/<int:photo_id>/remove/", views.photo_remove,
         name="photo_remove"),
    path("c/<slug:slug>/spaces/<int:pk>/history/", views.event_add, name="event_add"),
    path("c/<slug:slug>/spaces/<int:pk>/duties/<int:duty_id>/toggle/", views.duty_toggle,
         name="duty_toggle"),
    path("c/<slug:slug>/spaces/<int:pk>/duties/", views.duty_add, name="duty_add"),
    path("c/<slug:slug>/spaces/<int:pk>/duties/<int:duty_id>/care/", views.care_log_add,
         name="care_log_add"),
]
