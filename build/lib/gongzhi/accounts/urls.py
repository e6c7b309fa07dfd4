from django.urls import path

from gongzhi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_phone, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/code/resend/", views.login_code_resend, name="login_code_resend"),
    path("login/password/", views.login_password, name="login_password"),
    path("signup/email/", views.signup_email, name="signup_email"),
    path("logout/", views.logout_view, name="logout"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("consent/", views.consent, name="consent"),
    path("me/", views.profile, name="profile"),
    path("me/export.json", views.export_data, name="export"),
    path("me/delete/", views.delete_account, name="delete"),
    path("me/tokens/", views.api_tokens, name="api_tokens"),
    path("join/", views.join_choose, name="join_choose"),
    path("join/<slug:slug>/", views.join, name="join"),
    path("invite/", views.invite_redeem, name="invite"),
    path("invite/<str:code>/", views.invite_redeem, name="invite_code"),
]
