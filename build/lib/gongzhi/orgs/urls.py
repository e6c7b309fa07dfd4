from django.urls import path

from gongzhi.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
]
