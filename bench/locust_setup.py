"""Personas for the load test, on a database filled by ``gongzhi seed_city``.

    DATABASE_URL=postgres://... .venv/bin/python bench/locust_setup.py \\
        [--communities 10] [--residents 300] [--workers 20] [--out bench/out/locust.json]

Signs in (real sessions, through Django's login) verified residents and community workers
of the first communities, gives each resident an API token for the ballot API, and writes
what the scenarios in ``bench/locustfile.py`` need: session cookies, tokens, the open
ballot, projects, proposals and reports of each community. Writes only sessions and
tokens. Run it again before each load run (votes are one per person).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=10)
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "locust.json"))
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.accounts.services import api_token_create
    from gongzhi.decisions.models import Ballot, Eligibility, VoterRecord
    from gongzhi.places.models import Community
    from gongzhi.projects.models import Project, Proposal
    from gongzhi.projects.phases import current_phase
    from gongzhi.reports.models import Report

    setup_test_environment()
    rng = random.Random(args.seed)
    communities = list(Community.objects.order_by("pk")[:args.communities])
    data: dict = {"communities": {}, "residents": [], "workers": []}
    per_res = max(1, args.residents // len(communities))
    per_wrk = max(1, args.workers // len(communities))
    cookie = settings.SESSION_COOKIE_NAME
    for c in communities:
        ballot = Ballot.objects.filter(community=c, state="open").order_by("pk").first()
        projects = []
        for p in Project.objects.filter(community=c, status="active").prefetch_related("phases"):
            phase = current_phase(p)
            if phase is not None and "projects.support" in (phase.actions or {}):
                projects.append(p.pk)
        proposals = list(Proposal.objects.filter(project_id__in=projects, visibility="visible")
                         .values_list("project_id", "pk")[:400])
        reports = list(Report.objects.filter(community=c, hidden_at__isnull=True)
                       .order_by("-created_at").values_list("pk", flat=True)[:200])
        data["communities"][c.slug] = {
            "ballot": ballot.pk if ballot else None,
            "ballot_options": list(ballot.options.values_list("key", flat=True))
            if ballot else [],
            "projects": projects, "proposals": proposals, "reports": reports,
            "center": [c.center_lat, c.center_lon]}
        # residents who may still vote: eligible on the open ballot, no voter record yet
        if ballot is not None:
            voted = VoterRecord.objects.filter(ballot=ballot).values("eligibility_id")
            users = list(Eligibility.objects.filter(ballot=ballot).exclude(pk__in=voted)
                         .values_list("user_id", flat=True)[:per_res * 3])
        else:
            users = []
        from gongzhi.accounts.models import User

        for user in User.objects.filter(pk__in=rng.sample(users, min(per_res, len(users)))):
            client = Client()
            client.force_login(user)
            _token, raw = api_token_create(user=user, name="locust")
            data["residents"].append({"slug": c.slug, "session": client.cookies[cookie].value,
                                      "token": raw})
        staff = RoleAssignment.objects.filter(community=c, role="worker").values("user_id")
        for user in User.objects.filter(pk__in=staff).order_by("pk")[:per_wrk]:
            client = Client()
            client.force_login(user)
            data["workers"].append({"slug": c.slug, "session": client.cookies[cookie].value})
    data["cookie"] = cookie
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data))
    print(f"{len(data['residents'])} residents, {len(data['workers'])} workers in "
          f"{len(communities)} communities -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
