from django.urls import path

from gongzhi.decisions import views

app_name = "decisions"

P = "c/<slug:slug>/ballots/"
urlpatterns = [
    path(P, views.ballot_list, name="list"),
    path(P + "new/", views.ballot_create, name="create"),
    path(P + "import/", views.pabulib_import, name="import"),
    path(P + "<int:pk>/", views.ballot_detail, name="detail"),
    path(P + "<int:pk>/withdraw/", views.vote_withdraw, name="withdraw"),
    path(P + "<int:pk>/receipt/", views.receipt, name="receipt"),
    path(P + "<int:pk>/results/", views.results, name="results"),
    path(P + "<int:pk>/receipts/", views.receipts, name="receipts"),
    path(P + "<int:pk>/export.json", views.export_json, name="export_json"),
    path(P + "<int:pk>/export.pb", views.export_pb, name="export_pb"),
    path(P + "<int:pk>/state/", views.ballot_state, name="state"),
    path(P + "<int:pk>/paper/", views.paper, name="paper"),
]
