from django.urls import path

from gongzhi.reports import views

app_name = "reports"

urlpatterns = [
    path("c/<slug:slug>/reports/", views.report_list, name="list"),
    path("c/<slug:slug>/reports/new/", views.report_create, name="create"),
    path("c/<slug:slug>/reports/similar/", views.similar, name="similar"),
    path("c/<slug:slug>/reports/mine/", views.my_reports, name="mine"),
    path("c/<slug:slug>/reports/queue/", views.queue, name="queue"),
    path("c/<slug:slug>/reports/stats/", views.statistics, name="stats"),
    path("c/<slug:slug>/reports/stats.csv", views.statistics_csv, name="stats_csv"),
    path("c/<slug:slug>/reports/targets/", views.targets, name="targets"),
    path("c/<slug:slug>/reports/<int:pk>/", views.report_detail, name="detail"),
    path("c/<slug:slug>/reports/<int:pk>/act/", views.report_act, name="act"),
    path("c/<slug:slug>/reports/<int:pk>/me-too/", views.me_too, name="me_too"),
    path("c/<slug:slug>/reports/<int:pk>/moderate/", views.moderate, name="moderate"),
]
