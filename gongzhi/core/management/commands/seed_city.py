"""``gongzhi seed_city``: a synthetic district on PostgreSQL for benchmarks and load tests.

See :mod:`gongzhi.core.seed_city` and docs/operations.md ("A city-sized test database").
"""

from __future__ import annotations

import datetime as dt
import json
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from gongzhi.core.seed_city import CityGenerator, Plan, SeedError, checksums


def _reseed_templates() -> None:
    """``flush`` also empties the rows data migrations seeded: the project templates."""
    from gongzhi.projects.models import ProjectTemplate
    from gongzhi.projects.template_data import DEFAULT_TEMPLATES

    for data in DEFAULT_TEMPLATES:
        fields = {k: v for k, v in data.items() if k != "key"}
        ProjectTemplate.objects.update_or_create(key=data["key"], defaults=fields)


class Command(BaseCommand):
    help = ("Generate a synthetic district (1,000,000 residents, 300 communities, 100,000 "
            "proposals, 1,000,000 votes, 1,000,000 reports at --scale 1) into an empty "
            "PostgreSQL database with COPY; reproducible by --seed and --today.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0,
                            help="multiplies every size (0.01 = 10,000 residents); default 1")
        parser.add_argument("--seed", type=int, default=15, help="random seed (default 15)")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="the day the data is generated around, YYYY-MM-DD "
                                 "(default: today); same seed and day = same data")
        parser.add_argument("--flush", action="store_true",
                            help="empty the database first (every table, like 'flush')")
        parser.add_argument("--checksums", action="store_true",
                            help="print a row count and md5 per seeded table at the end")
        parser.add_argument("--dry-run", action="store_true",
                            help="print the sizes and exit")

    def handle(self, *args, **opts) -> None:
        try:
            plan = Plan(opts["scale"])
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"seed-city: {plan.residents:,} residents, {plan.communities} communities in "
            f"{plan.subdistricts} subdistricts, {plan.proposals:,} proposals, "
            f"{plan.supports:,} supports + {plan.ballot_votes:,} ballot votes, "
            f"{plan.reports:,} reports (seed {opts['seed']})")
        if opts["dry_run"]:
            return
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed-city needs PostgreSQL (it writes with COPY): set DATABASE_URL="
                "postgres://USER@HOST:5432/DBNAME. The embedded SQLite database is for one "
                "community; use 'gongzhi demo' there.")
        if opts["flush"]:
            call_command("flush", interactive=False, verbosity=0)
            _reseed_templates()
        start = time.perf_counter()
        try:
            gen = CityGenerator(scale=opts["scale"], seed=opts["seed"], today=opts["today"],
                                log=self.stdout.write)
            with transaction.atomic():
                counts = gen.run()
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("analyse")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        took = time.perf_counter() - start
        total = sum(counts.values())
        for label, n in counts.items():
            self.stdout.write(f"  {label:28} {n:>10,}  {gen.loader.seconds[label]:7.1f} s")
        self.stdout.write(f"{total:,} rows in {took:.0f} s ({total / took:,.0f} rows/s)")
        if opts["checksums"]:
            self.stdout.write(json.dumps(checksums(), indent=1))
