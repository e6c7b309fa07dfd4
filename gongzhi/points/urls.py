from django.urls import path

from gongzhi.points import views

app_name = "points"

P = "c/<slug:slug>/points/"

urlpatterns = [
    path(P, views.me, name="me"),
    path(P + "leaderboard/", views.leaderboard, name="leaderboard"),
    path(P + "leaderboard/choice/", views.leaderboard_choice, name="leaderboard_choice"),
    path(P + "rewards/", views.catalogue, name="catalogue"),
    path(P + "rewards/<int:pk>/", views.reward_detail, name="reward"),
    path(P + "rewards/<int:pk>/redeem/", views.redeem, name="redeem"),
    path(P + "redemptions/", views.my_redemptions, name="my_redemptions"),
    path(P + "redemptions/<int:pk>/cancel/", views.redemption_cancel, name="cancel"),
    path(P + "manage/", views.manage, name="manage"),
    path(P + "manage/rules/", views.rules_edit, name="rules"),
    path(P + "manage/adjust/", views.adjust, name="adjust"),
    path(P + "manage/rewards/", views.stock, name="stock"),
    path(P + "manage/rewards/new/", views.reward_edit, name="reward_new"),
    path(P + "manage/rewards/<int:pk>/edit/", views.reward_edit, name="reward_edit"),
    path(P + "queue/", views.queue, name="queue"),
    path(P + "queue/<int:pk>/", views.queue_action, name="queue_action"),
    path(P + "manage/report/", views.report, name="report"),
    path(P + "manage/report.<str:fmt>", views.report_export, name="report_export"),
]
