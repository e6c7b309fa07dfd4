from django.urls import path

from gongzhi.memory import views

app_name = "memory"

P = "c/<slug:slug>/memory/"

urlpatterns = [
    path(P, views.museum, name="museum"),
    path(P + "items/", views.item_list, name="list"),
    path(P + "items/<int:pk>/", views.item_detail, name="item"),
    path(P + "items/<int:pk>/moderate/", views.moderate, name="moderate"),
    path(P + "items/<int:pk>/takedown/", views.takedown, name="takedown"),
    path(P + "items/<int:pk>/tags/", views.tag_add, name="tag_add"),
    path(P + "items/<int:pk>/collection/", views.collection_item, name="collection_item"),
    path(P + "new/", views.submit, name="submit"),
    path(P + "record/", views.record, name="record"),
    path(P + "timeline/", views.timeline, name="timeline"),
    path(P + "map/", views.map_view, name="map"),
    path(P + "collections/new/", views.collection_new, name="collection_new"),
    path(P + "collections/<int:pk>/", views.collection_detail, name="collection"),
    path(P + "collections/<int:pk>/poster.pdf", views.collection_poster, name="poster"),
    path(P + "moderation/", views.moderation, name="moderation"),
    path(P + "offered/", views.offered, name="offered"),
    path(P + "takedowns/<int:pk>/decide/", views.takedown_decide, name="takedown_decide"),
    path(P + "tags/<int:pk>/", views.tag_respond, name="tag_respond"),
    path(P + "me/", views.me, name="me"),
]
