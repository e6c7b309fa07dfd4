from django.urls import path

from gongzhi.volunteers import views

app_name = "volunteers"

P = "c/<slug:slug>/volunteers/"

urlpatterns = [
    path(P, views.home, name="home"),
    path(P + "new/", views.opportunity_new, name="opportunity_new"),
    path(P + "opportunities/<int:pk>/shifts/new/", views.shift_new, name="shift_new"),
    path(P + "shifts/<int:pk>/", views.shift_detail, name="shift"),
    path(P + "shifts/<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path(P + "shifts/<int:pk>/cancel/", views.cancel, name="cancel"),
    path(P + "shifts/<int:pk>/check-in/", views.check_in, name="check_in"),
    path(P + "shifts/<int:pk>/roster/", views.roster_action, name="roster_action"),
    path(P + "me/", views.my_service, name="me"),
    path(P + "me/certificate.pdf", views.certificate, name="certificate"),
    path(P + "teams/<int:pk>/report.<str:fmt>", views.team_report, name="team_report"),
]
