"""``gongzhi decisions verify``: check ballots against their hash chain.

* ``verify EXPORT.json`` -- a downloaded export (chain and result);
* ``verify --ballot N`` / ``verify --all`` -- the live database: chain, chain head,
  contents, voter records and the published result, each difference named.

Exit status 1 (CommandError) when anything differs.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from gongzhi.decisions.verify import verify_all, verify_ballot, verify_export


class Command(BaseCommand):
    help = ("Ballot tools: 'decisions verify EXPORT.json' checks an export; "
            "'decisions verify --ballot N' or '--all' checks the live database.")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify a ballot export or the live database")
        verify.add_argument("file", nargs="?", help="a ballot export (JSON download)")
        verify.add_argument("--ballot", type=int, action="append", default=[],
                            help="check this ballot in the live database (repeatable)")
        verify.add_argument("--all", action="store_true",
                            help="check every opened ballot in the live database")
        verify.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, **options) -> None:
        if options["file"]:
            self._export(options["file"], options["as_json"])
            return
        if not options["ballot"] and not options["all"]:
            raise CommandError("give an export file, --ballot N or --all")
        from gongzhi.decisions.models import Ballot

        if options["all"]:
            reports = verify_all()
        else:
            reports = []
            for pk in options["ballot"]:
                ballot = Ballot.objects.filter(pk=pk).first()
                if ballot is None:
                    raise CommandError(f"no ballot {pk}")
                reports.append(verify_ballot(ballot))
        if options["as_json"]:
            self.stdout.write(json.dumps(reports, ensure_ascii=False, indent=2))
        else:
            for r in reports:
                state = "OK" if r["ok"] else "FAILED"
                self.stdout.write(f"ballot {r['ballot']} ({r['title']}): {state}  entries: "
                                  f"{r['entries']}  ballots: {r['ballots']}  pending: "
                                  f"{r['pending']}")
                for err in r["errors"]:
                    self.stdout.write(f"  - {err}")
                for note in r["notes"]:
                    self.stdout.write(f"  note: {note}")
            self.stdout.write(f"{sum(r['ok'] for r in reports)} of {len(reports)} ballots "
                              "verified")
        if not all(r["ok"] for r in reports):
            raise CommandError("verification failed")

    def _export(self, path: str, as_json: bool) -> None:
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        report = verify_export(data)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"entries: {report['entries']}  ballots: {report['ballots']}")
            self.stdout.write(f"chain: {'OK' if report['chain_ok'] else 'FAILED'}")
            self.stdout.write(f"result: {'OK' if report['result_ok'] else 'FAILED'}")
            for err in report["errors"]:
                self.stdout.write(f"  - {err}")
        if not report["ok"]:
            raise CommandError("verification failed")
