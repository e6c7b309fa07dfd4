from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from gongzhi.accounts.models import User
from gongzhi.core.phone import normalize_phone


class LoginPasswordBackend(ModelBackend):
    """Password sign-in with a mobile number, an e-mail address or a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = (username or kwargs.get("login") or "").strip()
        if not login or not password:
            return None
        if "@" in login:
            user = User.objects.filter(email__iexact=login).first()
        else:
            user = (User.objects.filter(phone=normalize_phone(login)).first()
                    or User.objects.filter(username=login).first())
        if user is None:
            User().set_password(password)  # same work either way: no user enumeration by timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
