"""Database sessions whose row joins the signed-in user (see the package)."""

from django.contrib.sessions.backends import db

from gongzhi.accounts.sessions import UserSessionMixin


class SessionStore(UserSessionMixin, db.SessionStore):
    pass
