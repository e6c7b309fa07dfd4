from django.urls import path

from gongzhi.activities import views

app_name = "activities"

P = "c/<slug:slug>/activities/"

urlpatterns = [
    path("c/<slug:slug>/activities.ics", views.community_ics, name="community_ics"),
    path(P, views.home, name="home"),
    path(P + "new/", views.create, name="create"),
    path(P + "children/", views.children, name="children"),
    path(P + "children/<int:pk>/remove/", views.child_remove, name="child_remove"),
    path(P + "<int:pk>/", views.detail, name="detail"),
    path(P + "<int:pk>.ics", views.activity_ics, name="activity_ics"),
    path(P + "<int:pk>/edit/", views.edit, name="edit"),
    path(P + "<int:pk>/attendance.<str:fmt>", views.attendance_export,
         name="attendance_export"),
    path(P + "<int:pk>/cancel/", views.cancel_activity, name="cancel"),
    path(P + "<int:pk>/leave-out/", views.exdate, name="exdate"),
    path(P + "<int:pk>/photos/", views.photo_add, name="photo_add"),
    path(P + "<int:pk>/photos/<int:photo>/consent/", views.photo_consent,
         name="photo_consent"),
    path(P + "<int:pk>/photos/<int:photo>/delete/", views.photo_delete, name="photo_delete"),
    path(P + "dates/<int:pk>/", views.occurrence, name="occurrence"),
    path(P + "dates/<int:pk>/register/", views.register, name="register"),
    path(P + "dates/<int:pk>/registrations/<int:reg>/cancel/", views.unregister,
         name="unregister"),
    path(P + "dates/<int:pk>/registrations/<int:reg>/attendance/", views.attendance,
         name="attendance"),
    path(P + "dates/<int:pk>/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path(P + "dates/<int:pk>/restore/", views.occurrence_restore, name="occurrence_restore"),
    path(P + "dates/<int:pk>/move/", views.occurrence_move, name="occurrence_move"),
    path(P + "dates/<int:pk>/check-in/", views.check_in, name="check_in"),
]
