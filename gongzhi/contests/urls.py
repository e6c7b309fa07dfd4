from django.urls import path

from gongzhi.contests import views

app_name = "contests"

P = "c/<slug:slug>/contests/"
C = P + "<int:pk>/"

urlpatterns = [
    path(P, views.contest_list, name="list"),
    path(P + "new/", views.contest_create, name="create"),
    path(C, views.contest_detail, name="detail"),
    path(C + "edit/", views.contest_edit, name="edit"),
    path(C + "enter/", views.entry_create, name="enter"),
    path(C + "entries/<int:entry_pk>/", views.entry_detail, name="entry"),
    path(C + "entries/<int:entry_pk>/withdraw/", views.entry_withdraw, name="withdraw"),
    path(C + "moderate/", views.moderation, name="moderate"),
    path(C + "moderate/<int:entry_pk>/", views.moderate_entry, name="moderate_entry"),
    path(C + "publish/", views.publish, name="publish"),
    path(C + "open-voting/", views.open_voting, name="open_voting"),
    path(C + "announce/", views.announce, name="announce"),
    path(C + "jury/", views.jury_add, name="jury_add"),
    path(C + "vote/", views.vote, name="vote"),
    path(C + "results/", views.results, name="results"),
]
