"""Cached database sessions (a shared cache such as Redis) whose row joins the user."""

from django.contrib.sessions.backends import cached_db

from gongzhi.accounts.sessions import UserSessionMixin


class SessionStore(UserSessionMixin, cached_db.SessionStore):
    cache_key_prefix = "gongzhi.accounts.sessions.cached_db"
