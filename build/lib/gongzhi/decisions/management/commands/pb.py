"""``gongzhi pb tally FILE.pb [--rule RULE] [--json]``: Pabulib tools.

A thin wrapper: all behaviour lives in :mod:`gongzhi.decisions.engine.tally_cli`, which is
tested without Django.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gongzhi.decisions.engine.tally_cli import add_tally_arguments, tally


class Command(BaseCommand):
    help = "Pabulib participatory-budgeting files: 'pb tally FILE.pb [--rule R] [--json]'."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_tally_arguments(sub.add_parser("tally", help="compute the outcome of a .pb file"))

    def handle(self, *args, **options) -> None:
        code = tally(
            options["file"],
            rule=options["rule"],
            as_json=options["as_json"],
            tie_break=options["tie_break"],
            out=self.stdout,
            err=self.stderr,
        )
        if code:
            raise SystemExit(code)
