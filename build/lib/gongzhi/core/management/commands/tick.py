"""``gongzhi tick``: run the periodic jobs that are due (call it every minute)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from gongzhi.core.models import PeriodicRun
from gongzhi.core.periodic import periodic_jobs


class Command(BaseCommand):
    help = "Run due periodic jobs (auto-close, overdue flags, digests). Safe on many nodes."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="append", default=[],
                            help="run this job now whatever its schedule (repeatable)")

    def handle(self, *args, force: list[str], **options):
        now = timezone.now()
        for name, job in sorted(periodic_jobs().items()):
            PeriodicRun.objects.get_or_create(name=name)
            due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every)
            if name in force:
                due = Q()
            # Claim the slot atomically: only one node's UPDATE matches.
            claimed = PeriodicRun.objects.filter(due, name=name).update(last_started_at=now)
            if not claimed:
                continue
            result = job.fn()
            PeriodicRun.objects.filter(name=name).update(last_finished_at=timezone.now(),
                                                         last_result=str(result)[:1000])
            self.stdout.write(f"{name}: {result}")
