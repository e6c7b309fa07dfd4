"""The conversation in the Pol.is open-data CSV format, as a zip (comments.csv, votes.csv,
participants-votes.csv with group-id, summary.csv), read back by
``gongzhi deliberation groups``."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from gongzhi.deliberation.engine.polis_csv import write_conversation
from gongzhi.deliberation.models import Conversation, Statement, Vote

MODERATED: dict[str, int] = {Statement.Status.ACCEPTED: 1, Statement.Status.PENDING: 0,
             Statement.Status.HIDDEN: -1}


def polis_export(conversation: Conversation, snapshot) -> bytes:
    votes = [
        (int(ts.timestamp() * 1000), tid, pid, v)
        for tid, pid, v, ts in Vote.objects.filter(conversation=conversation)
        .values_list("statement__number", "participant__number", "value", "updated_at")
    ]
    tallies: dict[int, list[int]] = {}
    for _ts, tid, _pid, v in votes:
        t = tallies.setdefault(tid, [0, 0])
        if v == 1:
            t[0] += 1
        elif v == -1:
            t[1] += 1
    statements = [
        {"id": s.number, "text": s.text,
         "author": s.author.number if s.author is not None else None,
         "moderated": MODERATED[s.status],
         "timestamp": int(s.created_at.timestamp() * 1000),
         "agrees": tallies.get(s.number, [0, 0])[0],
         "disagrees": tallies.get(s.number, [0, 0])[1]}
        for s in conversation.statements.select_related("author").order_by("number")
    ]
    groups: dict[int, int] = {}
    if snapshot is not None:
        for number, (_x, _y, g) in snapshot.data.get("participants", {}).items():
            if g >= 0:
                groups[int(number)] = g
    voters = {pid for _ts, _t, pid, _v in votes}
    summary = {
        "topic": conversation.question,
        "url": "",
        "voters": len(voters),
        "voters-in-conv": sum(1 for _ in groups),
        "commenters": len({s["author"] for s in statements if s["author"] is not None}),
        "comments": len(statements),
        "groups": snapshot.k if snapshot is not None else 0,
        "conversation-description": conversation.description,
    }
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        write_conversation(tmp, statements=statements, votes=votes, groups=groups,
                           summary=summary)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv"):
                zf.write(Path(tmp) / name, arcname=name)
    return buffer.getvalue()
