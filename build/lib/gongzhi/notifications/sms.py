"""Pluggable SMS backends. Deployments set SMS_BACKEND to a dotted path of a class with
``send(phone, message)``; development prints to the console."""

from __future__ import annotations

import logging
import sys
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class BaseSmsBackend:
    def send(self, phone: str, message: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, phone: str, message: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {message}\n")
        sys.stdout.flush()


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in memory for tests (``LocmemSmsBackend.outbox``)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        self.outbox.append((phone, message))


@cache
def _backend_class(path: str) -> type[BaseSmsBackend]:
    return import_string(path)


def send_sms(phone: str, message: str) -> None:
    _backend_class(settings.SMS_BACKEND)().send(phone, message)
