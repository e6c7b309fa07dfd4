from django.urls import path

from gongzhi.meetings import views

app_name = "meetings"

P = "c/<slug:slug>/meetings/"

urlpatterns = [
    path(P, views.meeting_list, name="list"),
    path(P + "new/", views.meeting_create, name="create"),
    path(P + "<int:pk>/", views.meeting_detail, name="detail"),
    path(P + "<int:pk>/edit/", views.meeting_edit, name="edit"),
    path(P + "<int:pk>/manage/", views.manage, name="manage"),
    path(P + "<int:pk>/register/", views.register, name="register"),
    path(P + "<int:pk>/cancel/", views.cancel_registration, name="cancel_registration"),
    path(P + "<int:pk>/check-in/", views.check_in, name="check_in"),
    path(P + "<int:pk>/notice/", views.notice, name="notice"),
    path(P + "actions/<int:item_pk>/status/", views.action_status, name="action_status"),
    path(P + "one-map-three-meetings/new/", views.meeting_set_create, name="dossier_create"),
    path(P + "one-map-three-meetings/<int:pk>/", views.dossier, name="dossier"),
]
