"""``gongzhi demo``: load the demo communities (idempotent) and print the logins."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.places.models import Community

DEMO_PASSWORD = "gongzhi-demo"


class Command(BaseCommand):
    help = "Load the demo communities (S community garden compound, B public-rental estate)."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true",
                            help="fewer households and residents (for tests)")
        parser.add_argument("--force", action="store_true",
                            help="load even if demo communities exist (fails on duplicates)")

    def handle(self, *args, small: bool = False, force: bool = False, **options):
        if Community.objects.filter(slug="s-community").exists() and not force:
            self.stdout.write("Demo data already loaded.")
            self.print_logins()
            return
        ctx = DemoContext(small=small)
        started = time.monotonic()
        with transaction.atomic():
            for order, name, step in demo_steps():
                t0 = time.monotonic()
                step(ctx)
                self.stdout.write(f"  {order:>3} {name} ({time.monotonic() - t0:.1f} s)")
        self.stdout.write(self.style.SUCCESS(
            f"Demo data loaded in {time.monotonic() - started:.1f} s."))
        self.print_logins()

    def print_logins(self) -> None:
        from gongzhi.accounts.demo import DEMO_LOGINS

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Sign in at /accounts/login/password/ with:"))
        for who, login in DEMO_LOGINS:
            self.stdout.write(f"  {who:<28} {login:<16} password: {DEMO_PASSWORD}")
        self.stdout.write("  (or use any number with the SMS code printed in this console)")
