from django.urls import path

from gongzhi.accounts import staff_views

app_name = "members"

urlpatterns = [
    path("verification/", staff_views.verification_queue, name="queue"),
    path("verification/<int:pk>/", staff_views.verification_decide, name="decide"),
    path("people/", staff_views.members, name="members"),
    path("people/role/", staff_views.role_change, name="role_change"),
]
