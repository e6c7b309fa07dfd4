"""``gongzhi decisions verify EXPORT.json``: recompute a ballot export's chain and result."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from gongzhi.decisions.verify import verify_export


class Command(BaseCommand):
    help = "Ballot tools: 'decisions verify EXPORT.json' checks the hash chain and the result."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify a ballot export (JSON download)")
        verify.add_argument("file")
        verify.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, **options) -> None:
        try:
            with open(options["file"], encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        report = verify_export(data)
        if options["as_json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"entries: {report['entries']}  ballots: {report['ballots']}")
            self.stdout.write(f"chain: {'OK' if report['chain_ok'] else 'FAILED'}")
            self.stdout.write(f"result: {'OK' if report['result_ok'] else 'FAILED'}")
            for err in report["errors"]:
                self.stdout.write(f"  - {err}")
        if not report["ok"]:
            raise CommandError("verification failed")
