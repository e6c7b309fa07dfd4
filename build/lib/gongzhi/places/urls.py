from django.urls import path

from gongzhi.places import views

app_name = "places"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("import/", views.ledger_import, name="ledger_import"),
    path("import/<int:pk>/confirm/", views.ledger_import_confirm, name="ledger_import_confirm"),
    path("households/<int:pk>/", views.household, name="household"),
]
