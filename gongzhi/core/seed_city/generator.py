"""The generator: regions, people, organisations and spaces, projects and proposals,
reports and meetings, then keys, indexes and sequences restored."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from gongzhi.core.seed_city.ballots import BallotSeeder
from gongzhi.core.seed_city.base import CommunityPlan, Loader, Plan, SeedError, _split
from gongzhi.core.seed_city.vocabulary import (
    CN,
    GIVEN,
    MEETING_KINDS,
    PROPOSAL_IDEAS,
    REPORT_TEXTS,
    ROADS,
    SPACE_KINDS,
    SUBDISTRICT_NAMES,
    SURNAMES,
)


class CityGenerator(BallotSeeder):
    """Generates the district into an empty PostgreSQL database."""

    def __init__(self, *, scale: float, seed: int, today: dt.date | None = None,
                 log: Callable[[str], None] | None = None):
        if connection.vendor != "postgresql":
            raise SeedError(
                "seed-city writes with PostgreSQL COPY and needs PostgreSQL: set "
                "DATABASE_URL=postgres://USER@HOST:5432/DBNAME (the embedded SQLite "
                "default is for one community; use 'gongzhi demo' there).")
        self.plan = Plan(scale)
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.now = dt.datetime.combine(self.today, dt.time(9, 0), tzinfo=CN)
        self.log = log or (lambda _m: None)
        self.communities: list[CommunityPlan] = []
        self.user_tenure: dict[int, str] = {}
        self.next_user = 1

    # ------------------------------------------------------------------ helpers
    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _name(self) -> str:
        r = self.rng
        given = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return r.choice(SURNAMES) + given

    def _ago(self, max_days: float, min_days: float = 0) -> dt.datetime:
        return self.now - dt.timedelta(seconds=self.rng.uniform(min_days, max_days) * 86400)

    def _near(self, c: CommunityPlan, spread: float = 0.004) -> tuple[float, float]:
        r = self.rng
        return (round(c.lat + r.uniform(-spread, spread), 6),
                round(c.lon + r.uniform(-spread, spread), 6))

    def _step(self, label: str) -> None:
        self.log(f"{time.strftime('%H:%M:%S')} {label}")

    # ------------------------------------------------------------------ run
    def run(self) -> dict[str, int]:
        from gongzhi.places.models import Community

        if Community.objects.exists():
            raise SeedError("the database already has communities: seed-city writes into an "
                            "empty database (give --flush to empty it first)")
        with connection.cursor() as cursor:
            self.loader = Loader(cursor.connection.cursor(), self.now)
            # Bulk-load technique: foreign keys and plain indexes of the seeded tables are
            # dropped in this transaction and recreated after the COPYs, each checked or
            # built in one pass instead of once per row (a deferred check per row at
            # commit for millions of references). Unique and primary keys stay.
            saved = self._drop_keys_and_indexes(cursor)
            # The access-version triggers (accounts/access_triggers.py) would update a
            # user row per membership, role and proposal copied: off for the load of an
            # empty database (no process can hold access rows of users that did not
            # exist), on again before the commit. Every seeded user keeps version 0.
            access_triggers = self._access_triggers(cursor)
            for table, name in access_triggers:
                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
            self._regions()
            self._people()
            self._orgs_spaces()
            self._projects()
            self._proposals_supports()
            self._ballots()
            self._reports()
            self._meetings()
            self._reset_sequences()
            self._restore_keys_and_indexes(cursor, saved)
            for table, name in access_triggers:
                cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
        return dict(self.loader.counts)

    # ------------------------------------------------------------------ places
    def _regions(self) -> None:
        from gongzhi.places.models import Community, Region

        self._step("regions and communities")
        p = self.plan
        rows = [(1, "city", "上海市", "310000", None), (2, "district", "杨浦区", "310110", 1)]
        for i in range(p.subdistricts):
            name = SUBDISTRICT_NAMES[i % 12] + (f"{i // 12 + 1}" if i >= 12 else "")
            rows.append((3 + i, "subdistrict", name, f"3101100{i + 1:02d}", 2))
        self.loader.copy(Region, ["id", "kind", "name", "code", "parent_id"], rows)
        side = math.ceil(math.sqrt(p.communities))
        comm_rows = []
        for i in range(p.communities):
            lat = 31.255 + (i // side) * 0.012
            lon = 121.49 + (i % side) * 0.012
            slug = f"c{i + 1:03d}"
            c = CommunityPlan(pk=i + 1, slug=slug, lat=lat, lon=lon)
            self.communities.append(c)
            d = 0.005
            boundary = {"type": "Polygon", "coordinates": [[
                [lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d],
                [lon - d, lat - d]]]}
            road = ROADS[i % len(ROADS)]
            comm_rows.append((c.pk, f"{road}第{i // len(ROADS) + 1}社区", slug,
                              3 + i % p.subdistricts, f"{road}沿线的居民区。",
                              json.dumps(boundary), lat, lon))
        self.loader.copy(Community, ["id", "name", "slug", "subdistrict_id", "description",
                                     "boundary", "center_lat", "center_lon"], comm_rows)

    def _people(self) -> None:
        self._step("buildings, households, residents, memberships, roles")
        from gongzhi.accounts.models import AreaRole, Membership, RoleAssignment, User
        from gongzhi.places.models import Building, Compound, Household, Unit

        p = self.plan
        r = self.rng
        per = _split(p.residents, p.communities)
        compounds: list[tuple] = []
        buildings: list[tuple] = []
        units: list[tuple] = []
        households: list[tuple] = []
        users: list[tuple] = []
        members: list[tuple] = []
        roles: list[tuple] = []
        hh_id = b_id = u_id = 0
        tenures = ["owner"] * 70 + ["public_rental"] * 10 + ["private_rental"] * 15 + \
            ["other"] * 5
        for c, n_res in zip(self.communities, per, strict=True):
            comp_ids = []
            for k in range(3):
                comp_id = (c.pk - 1) * 3 + k + 1
                comp_ids.append(comp_id)
                compounds.append((comp_id, c.pk, f"{ROADS[(c.pk + k) % 16][:2]}{k + 1}村"))
            n_hh = max(1, round(n_res / 2.2))
            n_b = math.ceil(n_hh / 30)
            first_b = b_id + 1
            for j in range(n_b):
                b_id += 1
                lat, lon = self._near(c)
                buildings.append((b_id, c.pk, comp_ids[j % 3], str(j + 1), 6,
                                  r.randint(1958, 2005), lat, lon))
                for un in (1, 2):
                    u_id += 1
                    units.append((u_id, b_id, str(un)))
            hh_info = []
            for j in range(n_hh):
                hh_id += 1
                bn = j // 30
                k = j % 30
                unit = k % 2
                slot = k // 2
                room = f"{slot // 3 + 1}0{slot % 3 + 1}"
                tenure = r.choice(tenures)
                building = first_b + bn
                households.append((hh_id, c.pk, building, (building - 1) * 2 + unit + 1, room,
                                   Decimal(r.randint(3800, 12000)) / 100, tenure))
                hh_info.append((hh_id, str(bn + 1), str(unit + 1), room, tenure))
            self._staff(c, users, members, roles)
            for j in range(n_res):
                uid = self.next_user
                self.next_user += 1
                c.residents.append(uid)
                hh, bno, uno, room, tenure = hh_info[j * n_hh // n_res]
                name = self._name()
                joined = self._ago(1000, 1)
                users.append((uid, f"r{uid}", f"139{uid:08d}", name[0] + "**" if r.random() < 0.3
                              else name, name, joined))
                x = r.random()
                status = ("verified" if x < p.verified_share else
                          "pending" if x < p.verified_share + 0.2 else
                          "refused" if x < p.verified_share + 0.24 else "left")
                decided = status in ("verified", "refused")
                decider = r.choice(c.workers) if decided else None
                decided_at = joined + dt.timedelta(days=r.uniform(0, 3)) if decided else None
                members.append((uid, uid, c.pk, status, hh if status == "verified" else None,
                                bno, uno, room, tenure if r.random() < 0.6 else "", decider,
                                decided_at, joined))
                if status == "verified":
                    c.verified.append(uid)
                    self.user_tenure[uid] = tenure
                    roles.append((uid, c.pk, "verified_resident", decider, decided_at))
                    if tenure == "owner":
                        roles.append((uid, c.pk, "owner", decider, decided_at))
                    elif tenure in ("public_rental", "private_rental"):
                        roles.append((uid, c.pk, "tenant", decider, decided_at))
                    if r.random() < 0.04:
                        roles.append((uid, c.pk, "volunteer", decider, decided_at))
        self.subdistrict_admins = []
        for i in range(p.subdistricts + 1):
            uid = self.next_user
            self.next_user += 1
            name = self._name()
            users.append((uid, f"a{i}", f"136{uid:08d}", name, name, self._ago(900, 300)))
            self.subdistrict_admins.append(uid)
        L = self.loader
        L.copy(Compound, ["id", "community_id", "name"], compounds)
        L.copy(Building, ["id", "community_id", "compound_id", "number", "floors", "year_built",
                          "lat", "lon"], buildings)
        L.copy(Unit, ["id", "building_id", "number"], units)
        L.copy(Household, ["id", "community_id", "building_id", "unit_id", "room",
                           "floor_area_m2", "tenure"], households)
        L.copy(User, ["id", "username", "phone", "display_name", "real_name", "date_joined",
                      "password", "is_superuser"],
               (row + ("!seed-city-no-password", False) for row in users))
        L.copy(Membership, ["id", "user_id", "community_id", "status", "household_id",
                            "claimed_building", "claimed_unit", "claimed_room", "claimed_tenure",
                            "decided_by_id", "decided_at", "created_at"], members)
        L.copy(RoleAssignment, ["id", "user_id", "community_id", "role", "granted_by_id",
                                "granted_at"],
               ((i + 1, *row) for i, row in enumerate(roles)))
        area = [(i + 1, uid, 3 + i if i < p.subdistricts else 2,
                 "subdistrict_admin" if i < p.subdistricts else "district_admin")
                for i, uid in enumerate(self.subdistrict_admins)]
        L.copy(AreaRole, ["id", "user_id", "region_id", "role"], area)

    def _staff(self, c: CommunityPlan, users: list, members: list, roles: list) -> None:
        """The community's admin (first) and workers: verified members with their role."""
        for w in range(self.plan.workers_per_community + 1):
            uid = self.next_user
            self.next_user += 1
            name = self._name()
            users.append((uid, f"w{c.slug}{w}", f"137{uid:08d}", name, name,
                          self._ago(900, 300)))
            c.workers.append(uid)
            members.append((uid, uid, c.pk, "verified", None, "", "", "", "", None,
                            None, self.now - dt.timedelta(days=300)))
            roles.append((uid, c.pk, "admin" if w == 0 else "worker", None,
                          self.now - dt.timedelta(days=300)))

    def _orgs_spaces(self) -> None:
        self._step("organisations and spaces")
        from gongzhi.orgs.models import Organisation
        from gongzhi.spaces.models import Space

        r = self.rng
        orgs, spaces = [], []
        o_id = s_id = 0
        for c in self.communities:
            for kind, name in (("residents_committee", "居民委员会"), ("property", "物业服务中心"),
                               ("party", "党总支")):
                o_id += 1
                c.orgs.append(o_id)
                orgs.append((o_id, c.pk, kind, name, self._name(), f"021-6{o_id:07d}"))
            for j in range(self.plan.spaces_per_community):
                s_id += 1
                c.spaces.append(s_id)
                kind, label = SPACE_KINDS[j % len(SPACE_KINDS)]
                lat, lon = self._near(c)
                d = r.uniform(0.0001, 0.0004)
                ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                        [lon - d, lat + d], [lon - d, lat - d]]
                state = r.choice(["open"] * 6 + ["planned", "under_renovation", "derelict"])
                if kind == "derelict_site":
                    state = "derelict"
                spaces.append((s_id, c.pk, kind, f"{label}{j // len(SPACE_KINDS) + 1}号",
                               f"{label}，居民日常使用。", state, True,
                               json.dumps({"type": "Polygon", "coordinates": [ring]}), "Polygon",
                               lat, lon, lon - d, lat - d, lon + d, lat + d,
                               round((d * 111000 * 2) ** 2 * 0.85, 1), c.workers[0]))
        self.loader.copy(Organisation, ["id", "community_id", "kind", "name", "contact_name",
                                        "contact_phone"], orgs)
        self.loader.copy(Space, ["id", "community_id", "kind", "name", "description", "state",
                                 "is_public", "geometry", "geom_type", "lat", "lon", "min_lon",
                                 "min_lat", "max_lon", "max_lat", "area_m2", "created_by_id"],
                         spaces)

    def _projects(self) -> None:
        self._step("projects and phases")
        from gongzhi.projects.models import Phase, Project, ProjectTemplate
        from gongzhi.projects.services.projects import phases_from_template

        templates = list(ProjectTemplate.objects.filter(is_active=True).order_by("order", "pk"))
        if not templates:
            raise SeedError("no project templates: run 'gongzhi migrate' first")
        projects, phases = [], []
        self.decision_phase: dict[int, int] = {}   # project id -> phase id with decisions.vote
        self.project_community: dict[int, CommunityPlan] = {}
        pr_id = ph_id = 0
        for c in self.communities:
            for k in range(self.plan.projects_per_community):
                pr_id += 1
                t = templates[k % len(templates)]
                specs = phases_from_template(t, self.today)
                # start so that the phase where people propose is open today (projects 1
                # and 2), the decision phase (3) or the phase after it (4)
                prop = next((i for i, s in enumerate(specs)
                             if "projects.propose" in s["actions"]), 0)
                dec = next((i for i, s in enumerate(specs)
                            if "decisions.vote" in s["actions"]), prop)
                target = prop if k < 2 else dec if k == 2 else min(len(specs) - 1, dec + 1)
                offset = (specs[target]["starts_on"] - specs[0]["starts_on"]).days + 2
                start = self.today - dt.timedelta(days=offset)
                specs = phases_from_template(t, start)
                created = self.now - dt.timedelta(days=offset + 7)
                title = f"{t.name.split(' ')[0]}·{c.slug.upper()}-{k + 1}"
                projects.append((pr_id, c.pk, t.pk, t.kind, title[:160],
                                 "居民共同发起的项目。", "从需求调研到共建共管，全程公开。",
                                 Decimal(50000 + 10000 * k), "active", c.workers[0], created,
                                 created))
                c.projects.append(pr_id)
                self.project_community[pr_id] = c
                for i, s in enumerate(specs, start=1):
                    ph_id += 1
                    phases.append((ph_id, pr_id, i, s["key"], s["name"], s["description"],
                                   s["stage"], s["starts_on"], s["ends_on"],
                                   json.dumps(s["actions"])))
                    if "projects.propose" in s["actions"] and s["starts_on"] <= self.today:
                        c.propose_phases.append(ph_id)
                    if "decisions.vote" in s["actions"] and pr_id not in self.decision_phase:
                        self.decision_phase[pr_id] = ph_id
        self.loader.copy(Project, ["id", "community_id", "template_id", "kind", "title",
                                   "summary", "description", "budget", "status",
                                   "created_by_id", "created_at", "updated_at"], projects)
        self.loader.copy(Phase, ["id", "project_id", "order", "key", "name", "description",
                                 "stage", "starts_on", "ends_on", "actions"], phases)
        self.phase_project = {row[0]: row[1] for row in phases}

    def _proposals_supports(self) -> None:
        self._step("proposals and supports")
        from gongzhi.projects.models import Proposal, Support

        r = self.rng
        p = self.plan
        per = _split(p.proposals, p.communities)
        # supports per proposal: a heavy tail (most get a few, some get hundreds)
        weights = [r.paretovariate(1.3) for _ in range(p.proposals)]
        scale = p.supports / sum(weights)
        proposals, supports = [], []
        pid = 0
        sup_id = 0
        for c, n in zip(self.communities, per, strict=True):
            pool = c.verified or c.residents
            for _j in range(n):
                pid += 1
                want = min(len(pool), int(weights[pid - 1] * scale + r.random()))
                backers = r.sample(pool, want)
                phase = r.choice(c.propose_phases) if c.propose_phases else None
                project = self.phase_project[phase] if phase else c.projects[0]
                title, text = PROPOSAL_IDEAS[r.randrange(len(PROPOSAL_IDEAS))]
                lat, lon = self._near(c)
                created = self._ago(60, 0.1)
                x = r.random()
                vis = ("visible" if x < 0.96 else "pending" if x < 0.98 else
                       "hidden" if x < 0.99 else "withdrawn")
                y = r.random()
                answer = "" if y < 0.8 else "evaluating" if y < 0.9 else "accepted"
                proposals.append((pid, project, c.pk, "idea" if r.random() < 0.3 else "proposal",
                                  r.choice(pool), phase, f"{title}（{pid}）", text,
                                  r.choice(c.spaces) if r.random() < 0.5 else None, lat, lon,
                                  Decimal(r.randint(1, 200) * 500), want, answer,
                                  "正在评估可行性。" if answer else "",
                                  created if answer else None,
                                  c.workers[1] if answer else None, vis, created, created))
                for u in backers:
                    sup_id += 1
                    supports.append((sup_id, pid, u, created + dt.timedelta(
                        seconds=r.uniform(60, 86400 * 20))))
        self.loader.copy(Proposal, ["id", "project_id", "community_id", "kind", "author_id",
                                    "phase_id", "title", "description", "space_id", "lat",
                                    "lon", "cost_estimate", "support_count", "answer",
                                    "answer_text", "answered_at", "answered_by_id",
                                    "visibility", "created_at", "updated_at"], proposals)
        self.loader.copy(Support, ["id", "proposal_id", "user_id", "created_at"], supports)

    # ------------------------------------------------------------------ reports
    def _reports(self) -> None:
        self._step("problem reports and their timelines")
        from gongzhi.reports.models import Report, ReportEvent

        r = self.rng
        p = self.plan
        per = _split(p.reports, p.communities)
        cats = list(REPORT_TEXTS)
        statuses = (["closed"] * 50 + ["resolved"] * 15 + ["in_progress"] * 10 +
                    ["accepted"] * 10 + ["submitted"] * 12 + ["refused"] * 3)
        step_kind = {"accepted": "accepted", "in_progress": "started", "resolved": "resolved",
                     "closed": "confirmed", "refused": "refused"}

        def rows() -> Iterator[tuple]:
            rid = 0
            for c, n in zip(self.communities, per, strict=True):
                verified = set(c.verified)
                for _j in range(n):
                    rid += 1
                    who = r.choice(c.residents)
                    cat = r.choice(cats)
                    status = r.choice(statuses)
                    created = self._ago(730, 0.01)
                    changed = min(self.now, created + dt.timedelta(hours=r.uniform(1, 400)))
                    org = c.orgs[r.randrange(2)] if status not in ("submitted", "refused") \
                        else None
                    lat, lon = self._near(c)
                    done = changed if status in ("resolved", "closed") else None
                    due = None
                    if status == "submitted":
                        due = created + dt.timedelta(hours=48)
                    elif status in ("accepted", "in_progress"):
                        due = changed + dt.timedelta(days=14)
                    yield (rid, c.pk, who, r.random() < 0.1, who in verified, cat,
                           REPORT_TEXTS[cat], f"{r.randint(1, 60)}号楼附近",
                           lat, lon, r.choice(c.spaces) if r.random() < 0.3 else None,
                           status, org, "不属于社区管理范围，已转交城管热线。"
                           if status == "refused" else "",
                           "已安排维修。" if done else "", created, changed,
                           changed if org else None, done,
                           changed if status == "closed" else None, due,
                           c.workers[1 + rid % max(1, len(c.workers) - 1)], status)

        reports = []
        events = []
        ev = 0
        for row in rows():
            reports.append(row[:-2])
            rid, created, changed, worker, status = row[0], row[15], row[16], row[-2], row[-1]
            ev += 1
            events.append((ev, rid, "submitted", row[2], "", "submitted", None, "", True,
                           created))
            if status != "submitted":
                ev += 1
                events.append((ev, rid, step_kind[status], worker, "submitted", status,
                               row[12], row[13] or row[14], True, changed))
            if len(reports) >= 200_000:
                self._flush_reports(Report, ReportEvent, reports, events)
                reports, events = [], []
        self._flush_reports(Report, ReportEvent, reports, events)

    def _flush_reports(self, Report, ReportEvent, reports, events) -> None:  # noqa: N803
        self.loader.copy(Report, ["id", "community_id", "reporter_id", "anonymous",
                                  "reporter_verified", "category", "description",
                                  "location_text", "lat", "lon", "space_id", "status",
                                  "organisation_id", "refusal_reason", "resolution_note",
                                  "created_at", "status_changed_at", "accepted_at",
                                  "resolved_at", "closed_at", "due_at"], reports)
        self.loader.copy(ReportEvent, ["id", "report_id", "kind", "actor_id", "from_status",
                                       "to_status", "organisation_id", "note", "is_public",
                                       "created_at"], events)

    # ------------------------------------------------------------------ meetings
    def _meetings(self) -> None:
        self._step("meetings and agendas")
        from gongzhi.meetings.models import AgendaItem, Meeting

        r = self.rng
        meetings, items = [], []
        m_id = a_id = 0
        for c in self.communities:
            for j in range(self.plan.meetings_per_community):
                m_id += 1
                kind, label = MEETING_KINDS[j % len(MEETING_KINDS)]
                starts = (self.now + dt.timedelta(days=r.uniform(-300, 40))).replace(
                    minute=0, second=0, microsecond=0)
                past = starts < self.now
                meetings.append((m_id, c.pk, kind, f"{label}：{PROPOSAL_IDEAS[j % 12][0]}",
                                 "听取居民意见，形成议事结果。", starts,
                                 starts + dt.timedelta(hours=2), r.choice(c.spaces), "社区活动室",
                                 r.choice(c.projects),
                                 "held" if past else "published",
                                 "verified" if kind == "council" else "residents", 60,
                                 f"{r.randrange(10 ** 6):06d}",
                                 "会议纪要：与会居民充分讨论，形成三点意见。" if past else "",
                                 starts + dt.timedelta(days=1) if past else None,
                                 c.workers[0], starts - dt.timedelta(days=10)))
                for k in range(2):
                    a_id += 1
                    items.append((a_id, m_id, k, ["情况通报", "居民讨论"][k], ""))
        self.loader.copy(Meeting, ["id", "community_id", "kind", "title", "description",
                                   "starts_at", "ends_at", "space_id", "place", "project_id",
                                   "status", "audience", "capacity", "checkin_code", "minutes",
                                   "minutes_published_at", "created_by_id", "created_at"],
                         meetings)
        self.loader.copy(AgendaItem, ["id", "meeting_id", "order", "title", "description"],
                         items)

    def _tables(self) -> list[str]:
        from django.apps import apps

        return [apps.get_model(label)._meta.db_table for label in SEEDED_MODELS]

    def _access_triggers(self, cursor) -> list[tuple[str, str]]:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgname LIKE %s ORDER BY 1, 2", ["gz\\_access\\_%"])
        return cursor.fetchall()

    def _drop_keys_and_indexes(self, cursor) -> dict[str, list[tuple[str, str, str]]]:
        tables = self._tables()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2", [tables])
        fks = cursor.fetchall()
        cursor.execute(
            "SELECT i.indrelid::regclass::text, c.relname, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
            "AND NOT i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
            "WHERE k.conindid = i.indexrelid) ORDER BY 1, 2", [tables])
        indexes = cursor.fetchall()
        for table, name, _d in fks:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _d in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        return {"fks": fks, "indexes": indexes}

    def _restore_keys_and_indexes(self, cursor, saved) -> None:
        self._step(f"indexes ({len(saved['indexes'])}) and foreign keys "
                   f"({len(saved['fks'])}), each built or checked in one pass")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _table, _name, definition in saved["indexes"]:
            cursor.execute(definition)
        for table, name, definition in saved["fks"]:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def _reset_sequences(self) -> None:
        from django.apps import apps

        self._step("sequences")
        labels = set(self.loader.counts)
        todo = [m for m in apps.get_models() if m._meta.label in labels]
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), todo):
                cur.execute(sql)


SEEDED_MODELS = (
    "places.Region", "places.Community", "places.Compound", "places.Building", "places.Unit",
    "places.Household", "accounts.User", "accounts.Membership", "accounts.RoleAssignment",
    "accounts.AreaRole", "orgs.Organisation", "spaces.Space", "projects.Project",
    "projects.Phase", "projects.Proposal", "projects.Support", "decisions.Ballot",
    "decisions.Option", "decisions.LogHead", "decisions.Eligibility", "decisions.VoterRecord",
    "decisions.BallotContent", "decisions.LogEntry", "reports.Report", "reports.ReportEvent",
    "meetings.Meeting", "meetings.AgendaItem",
)


def checksums(labels: Iterable[str] = SEEDED_MODELS) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row's text (in primary-key order) per table."""
    from django.apps import apps

    out = {}
    with connection.cursor() as cur:
        for label in labels:
            meta = apps.get_model(label)._meta
            table, pk = meta.db_table, meta.pk.column
            cur.execute(f'SELECT count(*), md5(coalesce(string_agg(md5(t::text), \'\' '
                        f'ORDER BY t."{pk}"), \'\')) FROM "{table}" t')
            n, digest = cur.fetchone()
            out[label] = (n, digest)
    return out

