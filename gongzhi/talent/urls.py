from django.urls import path

from gongzhi.talent import views

app_name = "talent"

P = "c/<slug:slug>/talent/"

urlpatterns = [
    path(P, views.me, name="me"),
    path(P + "revoke/", views.revoke, name="revoke"),
    path(P + "invitations/<int:pk>/answer/", views.answer, name="answer"),
    path(P + "pool/", views.search, name="search"),
    path(P + "pool/<int:pk>/", views.talent_detail, name="detail"),
    path(P + "invitations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
