"""A notification to a whole community, with the access-version triggers per row and per
statement (a benchmark, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DBNAME \\
        .venv/bin/python bench/fanout_bench.py [--community c001] [--runs 5]

On a database filled by ``gongzhi seed_city`` (PostgreSQL). Each run, in a transaction
that is rolled back (nothing is left behind):

- ``notification_send`` to every member of the community, whatever their status (one
  INSERT of all the rows; the triggers bump each person's ``access_version``), and the
  same INSERT alone (the rows built before the clock starts),
- then every one of those notifications marked read in one UPDATE (as "mark all read"
  does per person, here for the whole community at once),
- then, for one person with 20 unread notifications, "mark all read".

"per row" is the reference, measured in the same run: inside the same transaction the
notifications table's triggers are put back as they were before (accounts 0006 ...,
``access_triggers.statement_sql``'s down: the row-level triggers); DDL is transactional
on PostgreSQL, so the rollback takes it back. Printed: the median ms of each step with
each kind of trigger and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")


class Rollback(Exception):
    pass


def one_run(residents, person, row_level: bool) -> dict[str, float]:
    from django.db import connection, transaction
    from django.utils import timezone

    from gongzhi.accounts.access_triggers import statement_sql
    from gongzhi.notifications import services
    from gongzhi.notifications.models import Notification

    times: dict[str, float] = {}
    try:
        with transaction.atomic():
            if row_level:
                with connection.cursor() as cursor:
                    for sql in statement_sql("notifications_notification", "user_id",
                                             relevant="{r}.read_at IS NULL")["pg_down"]:
                        cursor.execute(sql)
            start = time.perf_counter()
            created = services.notification_send(users=residents, kind="bench",
                                                 title="停水通知：明天 9:00-12:00")
            times["notification_send"] = (time.perf_counter() - start) * 1000
            rows = [Notification(user=u, kind="bench", title="停电通知") for u in residents]
            start = time.perf_counter()
            Notification.objects.bulk_create(rows)
            times["the INSERT alone"] = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            Notification.objects.filter(pk__in=[n.pk for n in created]).update(
                read_at=timezone.now())
            times["all read"] = (time.perf_counter() - start) * 1000
            for i in range(20):
                Notification.objects.create(user=person, kind="bench", title=f"第{i}条")
            start = time.perf_counter()
            services.notification_mark_read(user=person)
            times["mark all read (20)"] = (time.perf_counter() - start) * 1000
            raise Rollback
    except Rollback:
        pass
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--community", default="c001")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from gongzhi.accounts.models import User

    if connection.vendor != "postgresql":
        print("fanout_bench needs the seeded PostgreSQL database (DATABASE_URL)")
        return 2
    residents = list(User.objects.filter(memberships__community__slug=args.community)
                     .distinct().order_by("?"))
    person = residents[0]
    print(f"{len(residents)} members of {args.community}, {args.runs} runs "
          f"(+1 warm-up), per row and per statement taking turns")
    results: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    for run in range(args.runs + 1):
        for row_level in (True, False):
            times = one_run(residents, person, row_level)
            if run:
                results[row_level].append(times)
    print(f"{'step':22} {'per row ms':>11} {'per statement ms':>17} {'ratio':>7}")
    for step in results[True][0]:
        row = statistics.median(t[step] for t in results[True])
        stmt = statistics.median(t[step] for t in results[False])
        print(f"{step:22} {row:11.1f} {stmt:17.1f} {stmt / row:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
