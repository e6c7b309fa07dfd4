"""Seeded ballots whose hash chains verify: contents through ``tally.validate``, the chain
with ``chain.entry_body``/``entry_hash`` in shuffled batches, closed ballots counted by
``tally.count``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from decimal import Decimal
from typing import Any

from django.db import connection

from gongzhi.core.seed_city.base import CommunityPlan, Loader, Plan, _split
from gongzhi.core.seed_city.vocabulary import CN


class BallotSeeder:
    """The ballots of the district, built with the decisions code (a mixin of
    :class:`~gongzhi.core.seed_city.generator.CityGenerator`)."""

    rng: random.Random
    loader: Loader
    plan: Plan
    now: dt.datetime
    communities: list[CommunityPlan]
    decision_phase: dict[int, int]

    def _step(self, label: str) -> None:  # pragma: no cover - the generator's
        raise NotImplementedError

    def _uuid(self) -> uuid.UUID:  # pragma: no cover - the generator's
        raise NotImplementedError

    # ------------------------------------------------------------------ ballots
    def _ballots(self) -> None:
        """One ballot per community on the project in its decision phase: approval, secret,
        eligibility = verified residents; every other community's ballot is closed with
        its counted result."""
        self._step("ballots: eligibility, votes, hash chains")
        from gongzhi.decisions import chain, tally
        from gongzhi.decisions.models import (
            Ballot,
            BallotContent,
            Eligibility,
            LogEntry,
            LogHead,
            Option,
            VoterRecord,
        )
        from gongzhi.decisions.selectors import ballot_config

        r = self.rng
        p = self.plan
        per_votes = _split(p.ballot_votes, p.communities)
        ballots: list[tuple] = []
        options: list[tuple] = []
        elig: list[tuple] = []
        records: list[tuple] = []
        contents: list[tuple] = []
        entries: list[tuple] = []
        heads: list[tuple] = []
        closes: list[tuple] = []
        e_id = o_id = le_id = 0
        for i, (c, n_votes) in enumerate(zip(self.communities, per_votes, strict=True)):
            bid = i + 1
            closed = i % 2 == 1
            # the open ballot belongs to the project in its decision phase today, the
            # closed one to the project past it
            project: int | None = c.projects[min(len(c.projects) - 1, 3 if closed else 2)]
            if project not in self.decision_phase:
                project = None
            opened_at = self.now - dt.timedelta(days=20 if closed else 3)
            keys = ["a", "b", "c", "d"]
            labels = ["方案一：花园", "方案二：座椅", "方案三：车棚", "方案四：健身点"]
            b = Ballot(pk=bid, uid=self._uuid(), community_id=c.pk,
                       title=f"{c.slug.upper()} 微更新方案表决",
                       question="请选择你支持的方案（可多选）。",
                       method="approval", eligibility="verified", secrecy="secret",
                       state="open", max_choices=2, eligible_count=len(c.verified),
                       project_id=project, created_by_id=c.workers[0])
            opts = []
            for k, (key, label) in enumerate(zip(keys, labels, strict=True)):
                o_id += 1
                opts.append(Option(pk=o_id, ballot_id=bid, key=key, label=label,
                                   cost=Decimal(0), position=k))
                options.append((o_id, bid, key, label, "", Decimal(0), k))
            config = ballot_config(b, opts)
            tokens: set[str] = set()
            voters = []
            for uid in c.verified:
                e_id += 1
                token = f"{r.getrandbits(40):010x}"
                while token in tokens:
                    token = f"{r.getrandbits(40):010x}"
                tokens.add(token)
                elig.append((e_id, bid, f"u:{uid}", token, uid, Decimal(1), ""))
                voters.append((e_id, uid, token))
            seq, prev = 0, chain.GENESIS

            def append(action: str, payload: dict[str, Any], at: str, uid: str = str(b.uid),
                       bid: int = bid) -> None:
                nonlocal seq, prev, le_id
                seq += 1
                le_id += 1
                digest = chain.entry_hash(prev, chain.entry_body(uid, seq, action, payload, at))
                entries.append((le_id, bid, seq, action, chain.canonical(payload), at, prev,
                                digest))
                prev = digest

            append("open", {"config": config, "eligible_count": len(voters),
                            "eligible_weight": str(Decimal(len(voters)))},
                   opened_at.isoformat())
            chosen = r.sample(voters, min(n_votes, len(voters)))
            final = {}
            cast = []
            for e, uid, _token in chosen:
                raw = {"approve": r.sample(keys, r.choice((1, 1, 2)))}
                clean, _total = tally.validate(config, raw)
                receipt = hashlib.sha256(f"{b.uid}:{r.getrandbits(80):020x}".encode()
                                         ).hexdigest()
                when = opened_at + dt.timedelta(seconds=r.uniform(60, 86400 * 2.5))
                records.append((self._uuid(), bid, e, f"u:{uid}", "online", uid, True, None,
                                when.astimezone(CN).date()))
                cast.append((when, receipt, clean))
            cast.sort(key=lambda t: t[0])
            # the sequencer: batches of 20-60 in arrival order, shuffled inside each batch,
            # one timestamp to the minute per batch
            k = 0
            while k < len(cast):
                size = r.randint(20, 60)
                batch = cast[k:k + size]
                k += size
                r.shuffle(batch)
                at = (batch[-1][0] + dt.timedelta(seconds=5)).replace(second=0, microsecond=0)
                for _w, receipt, clean in batch:
                    final[receipt] = {"content": clean, "voter": None, "channel": "online"}
                    append("vote", {"receipt": receipt, "content": clean, "channel": "online"},
                           at.isoformat())
            order = list(final.items())
            r.shuffle(order)   # physical order says nothing about who voted when
            for receipt, item in order:
                contents.append((self._uuid(), bid, receipt, json.dumps(item["content"]),
                                 "online", Decimal(0), Decimal(0)))
            if closed:
                ordered = [{"receipt": rc, **v} for rc, v in sorted(final.items())]
                result = json.loads(chain.canonical(tally.count(config, ordered)))
                closed_at = opened_at + dt.timedelta(days=7)
                append("close", {"ballots": result["ballots"],
                                 "result_hash": chain.entry_hash("", result)},
                       closed_at.isoformat())
                closes.append((bid, json.dumps(result), closed_at))
            heads.append((bid, bid, seq, prev))
            ballots.append((bid, b.uid, c.pk, b.title, b.question, "approval", "verified",
                            "secret", "open", opened_at, 2, len(voters), project, c.workers[0],
                            opened_at - dt.timedelta(days=1), opened_at,
                            opened_at + dt.timedelta(days=7)))
        L = self.loader
        L.copy(Ballot, ["id", "uid", "community_id", "title", "question", "method",
                        "eligibility", "secrecy", "state", "opened_at", "max_choices",
                        "eligible_count", "project_id", "created_by_id", "created_at",
                        "updated_at", "closes_at"], ballots)
        L.copy(Option, ["id", "ballot_id", "key", "label", "description", "cost", "position"],
               options)
        with connection.cursor() as cur:
            # the options' trigger moved each ballot's version (updated_at) to the clock:
            # back to the planned one, so the same seed gives the same rows
            cur.executemany("UPDATE decisions_ballot SET updated_at = %s WHERE id = %s",
                            [(row[15], row[0]) for row in ballots])
        L.copy(LogHead, ["id", "ballot_id", "seq", "hash"], heads)
        L.copy(Eligibility, ["id", "ballot_id", "voter_key", "token", "user_id", "weight",
                             "label"], elig)
        L.copy(VoterRecord, ["id", "ballot_id", "eligibility_id", "voter_key", "channel",
                             "cast_by_id", "secret", "receipt_hash", "voted_on"], records)
        L.copy(BallotContent, ["id", "ballot_id", "receipt_hash", "content", "channel",
                               "total_cost", "budget_limit"], contents)
        L.copy(LogEntry, ["id", "ballot_id", "seq", "action", "payload", "at", "prev_hash",
                          "hash"], entries)
        # closing last: from here on the database's triggers freeze these ballots
        with connection.cursor() as cur:
            cur.executemany("UPDATE decisions_ballot SET state = 'closed', result = %s, "
                            "closed_at = %s, updated_at = %s WHERE id = %s",
                            [(res, at, at, bid) for bid, res, at in closes])

