"""``gongzhi spatial access ...`` (pure engine, CSV in, JSON or a table out) and
``gongzhi spatial import-network COMMUNITY FILE.osm[.pbf]`` (store a community's walking
network). The access behaviour lives in :mod:`gongzhi.spatial.engine.cli`, tested
without Django."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongzhi.spatial.engine.cli import access, add_access_arguments


class Command(BaseCommand):
    help = ("Spatial access: 'spatial access --nodes N.csv --edges E.csv --demand D.csv "
            "--supply S.csv --max-cost METRES [--json]' or 'spatial import-network SLUG FILE'.")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_access_arguments(sub.add_parser("access", help="access scores from CSV files"))
        imp = sub.add_parser("import-network", help="store a community's walking network")
        imp.add_argument("community", help="community slug")
        imp.add_argument("file", help=".osm or .osm.pbf extract")
        imp.add_argument("--margin", type=float, default=1500.0,
                         help="metres of network kept around the community (default 1500)")

    def handle(self, *args, **options) -> None:
        if options["action"] == "access":
            code = access(options["nodes"], options["edges"], options["demand"],
                          options["supply"], options["max_cost"], as_json=options["as_json"],
                          out=self.stdout, err=self.stderr)
            if code:
                raise SystemExit(code)
            return
        from gongzhi.places.models import Community
        from gongzhi.spatial import services

        try:
            community = Community.objects.get(slug=options["community"])
        except Community.DoesNotExist:
            raise CommandError(f"no community with slug {options['community']!r}")
        network = services.network_import(community=community, path=options["file"],
                                          margin_m=options["margin"], actor=None)
        self.stdout.write(f"{community.slug}: {network.summary_line()}")
