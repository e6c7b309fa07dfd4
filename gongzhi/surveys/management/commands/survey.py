"""``gongzhi survey psychometrics FILE.csv --items … [--json]``: survey tools.

A thin wrapper: all behaviour lives in :mod:`gongzhi.surveys.engine.cli`, tested without
Django.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gongzhi.surveys.engine.cli import add_psychometrics_arguments, psychometrics


class Command(BaseCommand):
    help = "Survey tools: 'survey psychometrics FILE.csv --items A,B,… [--json]'."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_psychometrics_arguments(
            sub.add_parser("psychometrics", help="reliability of a scale in a CSV")
        )

    def handle(self, *args, **options) -> None:
        code = psychometrics(
            options["file"],
            items=options["items"],
            reverse_items=options["reverse"],
            low=options["low"],
            high=options["high"],
            missing=options["missing"],
            as_json=options["as_json"],
            out=self.stdout,
            err=self.stderr,
        )
        if code:
            raise SystemExit(code)
