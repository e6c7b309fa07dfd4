from django.urls import path

from gongzhi.surveys import views

app_name = "surveys"

P = "c/<slug:slug>/surveys/"

urlpatterns = [
    path(P, views.survey_list, name="list"),
    path(P + "new/", views.survey_create, name="create"),
    path(P + "instruments/", views.instrument_list, name="instruments"),
    path(P + "instruments/<int:pk>/", views.instrument_detail, name="instrument"),
    path(P + "instruments/<int:pk>/xlsform.xlsx", views.instrument_xlsform, name="xlsform"),
    path(P + "<int:pk>/", views.survey_detail, name="detail"),
    path(P + "<int:pk>/status/", views.survey_status, name="status"),
    path(P + "<int:pk>/remind/", views.survey_remind, name="remind"),
    path(P + "<int:pk>/respond/", views.respond, name="respond"),
    path(P + "<int:pk>/paper/", views.paper_entry, name="paper"),
    path(P + "<int:pk>/results/", views.results, name="results"),
    path(P + "<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("s/<str:token>/", views.short_link, name="short"),
]
