"""``gongzhi spaces import-osm COMMUNITY_SLUG FILE [--dry-run]`` and
``gongzhi spaces flag-overdue``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongzhi.places.models import Community


class Command(BaseCommand):
    help = "Spaces tools: import-osm (buildings, footpaths, amenities), flag-overdue."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        osm = sub.add_parser("import-osm", help="Import from an .osm / .osm.pbf file.")
        osm.add_argument("community", help="Community slug")
        osm.add_argument("file", help="Path to .osm or .osm.pbf")
        osm.add_argument("--dry-run", action="store_true", help="Report only, write nothing.")
        sub.add_parser("flag-overdue", help="Notify workers about overdue maintenance duties.")

    def handle(self, *args, **options):
        if options["action"] == "flag-overdue":
            from gongzhi.spaces.services import duties_flag_overdue

            self.stdout.write(f"flagged={duties_flag_overdue()}")
            return
        from gongzhi.spaces.osm import osm_import

        try:
            community = Community.objects.get(slug=options["community"])
        except Community.DoesNotExist:
            raise CommandError(f"No community with slug {options['community']!r}.") from None
        report = osm_import(actor=None, community=community, path=options["file"],
                            dry_run=options["dry_run"])
        if report.error:
            raise CommandError(str(report.error))
        mode = "DRY RUN, nothing written" if report.dry_run else "IMPORTED"
        self.stdout.write(f"{mode}: {report.source} → {community.slug}")
        self.stdout.write(report.summary())
        for kind, n in sorted(report.amenity_kinds.items()):
            self.stdout.write(f"  amenity {kind}: {n}")
        for reason, n in sorted(report.skipped.items()):
            self.stdout.write(f"  skipped {reason}: {n}")
        for row in report.refused[:50]:
            self.stdout.write(f"  refused {row.ref}: {row.what} {row.detail}")
        self.stdout.write(report.attribution)
