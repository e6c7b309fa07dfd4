from django.urls import path

from gongzhi.projects import views

app_name = "projects"

P = "c/<slug:slug>/projects/<int:pk>/"
PP = P + "proposals/<int:proposal_pk>/"

urlpatterns = [
    path("c/<slug:slug>/projects/", views.project_list, name="list"),
    path("c/<slug:slug>/projects/new/", views.project_create, name="create"),
    path(P, views.project_detail, name="detail"),
    path(P + "manage/", views.project_manage, name="manage"),
    path(P + "phase/advance/", views.phase_advance, name="phase_advance"),
    path(P + "evaluate/", views.evaluate, name="evaluate"),
    path(P + "proposals/", views.proposal_list, name="proposals"),
    path(P + "proposals/new/", views.proposal_create, name="proposal_create"),
    path(PP, views.proposal_detail, name="proposal"),
    path(PP + "support/", views.proposal_support, name="support"),
    path(PP + "comment/", views.proposal_comment, name="comment"),
    path(PP + "edit/", views.proposal_edit, name="proposal_edit"),
    path(PP + "amend/", views.amendment_create, name="amend"),
    path(PP + "amendments/<int:amendment_pk>/decide/", views.amendment_decide,
         name="amendment_decide"),
    path(PP + "answer/", views.proposal_answer, name="answer"),
    path(PP + "merge/", views.proposal_merge, name="merge"),
    path(P + "report/<str:kind>/<int:target_pk>/", views.report, name="report"),
    path(P + "moderate/<str:kind>/<int:target_pk>/", views.moderate, name="moderate"),
    path(P + "tasks/new/", views.task_create, name="task_create"),
    path(P + "tasks/<int:task_pk>/signup/", views.task_signup, name="task_signup"),
    path(P + "donations/new/", views.donation_create, name="donation_create"),
    path(P + "donations/<int:donation_pk>/advance/", views.donation_advance,
         name="donation_advance"),
    path(P + "photos/new/", views.photo_add, name="photo_add"),
    path("c/<slug:slug>/moderation/", views.moderation_queue, name="moderation"),
    path("c/<slug:slug>/results/", views.result_list, name="results"),
    path("c/<slug:slug>/results/<int:pk>/", views.result_detail, name="result"),
    path("me/input/", views.my_input, name="my_input"),
]
