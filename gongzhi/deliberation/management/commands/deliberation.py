"""``gongzhi deliberation groups DIR [--json]``: opinion groups of a Pol.is export.

A thin wrapper: behaviour lives in :mod:`gongzhi.deliberation.engine.groups_cli`.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gongzhi.deliberation.engine.groups_cli import add_groups_arguments, groups


class Command(BaseCommand):
    help = "Deliberation tools: 'deliberation groups DIR [--json]' computes opinion groups."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_groups_arguments(sub.add_parser("groups", help="opinion groups of a Pol.is export"))

    def handle(self, *args, **options) -> None:
        code = groups(options["directory"], as_json=options["as_json"], out=self.stdout,
                      err=self.stderr, live_replay=options["replay"])
        if code:
            raise SystemExit(code)
