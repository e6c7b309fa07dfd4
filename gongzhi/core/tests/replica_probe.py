"""Run by test_replica.py in its own process against a real primary and streaming replica.

Prints one JSON object: which database alias served the queries of each request.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    django.setup()
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gongzhi.places.models import Community
    from gongzhi.testing.factories import CommunityFactory, UserFactory

    community = CommunityFactory(name="副本社区", slug="replica-probe")
    user = UserFactory()
    primary = connections["default"]
    with primary.cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cur.fetchone()[0]
    replica = connections["replica1"]
    for _ in range(200):  # wait for the replica to replay the primary's WAL
        with replica.cursor() as cur:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn, pg_is_in_recovery()",
                        [lsn])
            caught_up, in_recovery = cur.fetchone()
        if caught_up:
            break
        time.sleep(0.05)

    def served(client: Client, method: str, path: str, **data: str) -> dict:
        with CaptureQueriesContext(connections["default"]) as on_primary, \
                CaptureQueriesContext(connections["replica1"]) as on_replica:
            response = getattr(client, method)(path, data) if data else \
                getattr(client, method)(path)
        return {"status": response.status_code, "primary": len(on_primary),
                "replica": len(on_replica),
                "sticky_cookie": "gz_primary_until" in response.cookies,
                "primary_sql": [q["sql"][:300] for q in on_primary.captured_queries]}

    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(user)
    out = {
        "in_recovery": in_recovery,
        "replica_sees_community": Community.objects.using("replica1")
        .filter(slug=community.slug).exists(),
        "anonymous_get": served(anonymous, "get", f"/c/{community.slug}/"),
        "signed_in_get": served(signed_in, "get", f"/c/{community.slug}/"),
        "post": served(signed_in, "post", "/i18n/setlang/", language="en", next="/"),
        "get_after_post": served(signed_in, "get", f"/c/{community.slug}/"),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
