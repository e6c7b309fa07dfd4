from django.urls import path

from gongzhi.news import views

app_name = "news"

P = "c/<slug:slug>/news/"

urlpatterns = [
    path(P, views.announcement_list, name="list"),
    path(P + "new/", views.announcement_create, name="create"),
    path(P + "<int:pk>/", views.announcement_detail, name="detail"),
    path(P + "<int:pk>/read/", views.confirm_read, name="read"),
    path(P + "<int:pk>/receipts/", views.receipts, name="receipts"),
    path(P + "<int:pk>/remind/", views.remind, name="remind"),
    path(P + "<int:pk>/publish/", views.publish, name="publish"),
    path(P + "<int:pk>/pin/", views.pin, name="pin"),
    path(P + "<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("c/<slug:slug>/feed/", views.feed, name="feed"),
    path("c/<slug:slug>/feed/settings/", views.feed_settings, name="feed_settings"),
    path("c/<slug:slug>/feed.atom", views.feed_atom, name="feed_atom"),
]
