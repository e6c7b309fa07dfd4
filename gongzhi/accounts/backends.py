from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from gongzhi.core.request_info import client_ip


class LoginPasswordBackend(ModelBackend):
    """Password sign-in with a mobile number, an e-mail address or a username, with the
    per-account and per-address limits of ``accounts.services.password_login`` (so the
    admin sign-in is limited too)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from gongzhi.accounts.services import RateLimited, password_login

        login = (username or kwargs.get("login") or "").strip()
        if not login or not password:
            return None
        try:
            user = password_login(login=login, password=password,
                                  ip=client_ip(request) if request is not None else None)
        except RateLimited:
            return None
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user(self, user_id):
        # the user the request's session row brought along (one query for both); the
        # same is_active check as ModelBackend.get_user
        # Either way the user row (with its access_version) was read for this request:
        # the person's access rows kept from an earlier request may be used
        # (accounts.access, mark_fresh).
        from gongzhi.accounts.access import mark_fresh
        from gongzhi.accounts.sessions import preloaded_user

        user = preloaded_user(user_id)
        if user is None:
            user = super().get_user(user_id)
        elif not self.user_can_authenticate(user):
            return None
        mark_fresh(user)
        return user
