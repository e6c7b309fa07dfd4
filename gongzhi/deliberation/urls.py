from django.urls import path

from gongzhi.deliberation import views

app_name = "deliberation"

P = "c/<slug:slug>/deliberation/"

urlpatterns = [
    path(P, views.conversation_list, name="list"),
    path(P + "new/", views.conversation_create, name="create"),
    path(P + "<int:pk>/", views.conversation_detail, name="detail"),
    path(P + "<int:pk>/vote/", views.vote, name="vote"),
    path(P + "<int:pk>/statement/", views.statement_submit, name="submit"),
    path(P + "<int:pk>/moderate/", views.moderate, name="moderate"),
    path(P + "<int:pk>/state/", views.set_state, name="state"),
    path(P + "<int:pk>/report/", views.report, name="report"),
    path(P + "<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path(P + "<int:pk>/export.zip", views.export, name="export"),
]
