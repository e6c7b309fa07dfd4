"""``gongzhi maps build-basemap COMMUNITY_SLUG FILE [--margin METRES]`` and
``gongzhi maps basemap-info COMMUNITY_SLUG``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongzhi.places.models import Community


class Command(BaseCommand):
    help = "Maps tools: build a community's offline basemap from an OpenStreetMap extract."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build-basemap", help="Build from an .osm / .osm.pbf file.")
        build.add_argument("community", help="Community slug")
        build.add_argument("file", help="Path to .osm or .osm.pbf")
        build.add_argument("--margin", type=float, default=400.0,
                           help="Metres beyond the community boundary (default 400).")
        info = sub.add_parser("basemap-info", help="Show what a community's basemap holds.")
        info.add_argument("community", help="Community slug")

    def handle(self, *args, **options):
        try:
            community = Community.objects.get(slug=options["community"])
        except Community.DoesNotExist:
            raise CommandError(f"No community with slug {options['community']!r}.") from None
        from gongzhi.maps.models import Basemap

        if options["action"] == "build-basemap":
            from gongzhi.maps.services import basemap_build

            try:
                basemap = basemap_build(actor=None, community=community, path=options["file"],
                                        margin_m=options["margin"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        else:
            found = Basemap.objects.filter(community=community).first()
            if found is None:
                raise CommandError(f"{community.slug} has no basemap.")
            basemap = found
        self.stdout.write(f"basemap {community.slug}: {basemap.source}, "
                          f"{basemap.feature_count} features, {basemap.named_roads} named "
                          f"streets, {len(basemap.geojson.encode())} bytes "
                          f"({len(bytes(basemap.geojson_gz))} gzip)")
        for layer, n in sorted(basemap.counts.items()):
            self.stdout.write(f"  {layer}: {n}")
        self.stdout.write(basemap.attribution)
