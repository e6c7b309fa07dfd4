"""Read and write conversations in the Pol.is open-data CSV format.

A conversation folder holds ``comments.csv`` and either ``votes.csv`` (one row per vote, with a
timestamp) or ``participants-votes.csv`` (one row per participant, one column per statement).
Real exports have defects (a row cut short, a vote of ``2``, a statement id nobody wrote); the
reader reports each one with its file and line and goes on wherever the meaning is clear.
No Django in here.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

VOTE_VALUES = {"1": 1, "-1": -1, "0": 0, "1.0": 1, "-1.0": -1, "0.0": 0}


@dataclass
class Defect:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Conversation:
    """Votes as parallel arrays plus the statements' moderation, read from an export."""

    participant: np.ndarray  # int64 participant ids
    statement: np.ndarray  # int64 statement ids
    vote: np.ndarray  # int8: 1 agree, -1 disagree, 0 pass
    time: np.ndarray  # float64 (ms since epoch, or row order when unknown)
    moderated_out: set[int] = field(default_factory=set)
    meta: set[int] = field(default_factory=set)  # is-meta statements (Pol.is: moderated out)
    statements: dict[int, dict] = field(default_factory=dict)
    exported_groups: dict[int, int] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)


def _int(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def _rows(path: Path, defects: list[Defect]) -> Iterable[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each record; a record may span lines (quoted newlines)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    if "\x00" in text:
        defects.append(Defect(path.name, 1, "NUL bytes removed"))
        text = text.replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        defects.append(Defect(path.name, 1, "empty file"))
        return
    header = [h.strip() for h in header]
    line = reader.line_num + 1
    for record in reader:
        start = line
        line = reader.line_num + 1
        if not record or all(not cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            defects.append(
                Defect(path.name, start, f"{len(record)} fields where the header has {len(header)}")
            )
            if len(record) < len(header):
                record = record + [""] * (len(header) - len(record))
        yield start, dict(zip(header, record, strict=False))


def read_comments(path: Path, defects: list[Defect]) -> tuple[dict[int, dict], set[int]]:
    statements: dict[int, dict] = {}
    moderated_out: set[int] = set()
    for line, row in _rows(path, defects):
        tid = _int(row.get("comment-id", ""))
        if tid is None:
            defects.append(Defect(path.name, line, "no usable comment-id; row skipped"))
            continue
        if tid in statements:
            defects.append(Defect(path.name, line, f"comment-id {tid} repeated; first row kept"))
            continue
        mod = _int(row.get("moderated", ""))
        if mod is None:
            defects.append(
                Defect(path.name, line, f"comment {tid}: moderated value missing; taken as 0")
            )
            mod = 0
        elif mod not in (-1, 0, 1):
            defects.append(
                Defect(path.name, line, f"comment {tid}: moderated value {mod}; taken as 0")
            )
            mod = 0
        statements[tid] = {
            "id": tid,
            "text": row.get("comment-body", ""),
            "author": _int(row.get("author-id", "")),
            "moderated": mod,
            "timestamp": _int(row.get("timestamp", "")),
            "agrees": _int(row.get("agrees", "")),
            # newer exports (export.clj csv-format) carry is-meta as true / false
            "meta": (row.get("is-meta") or "").strip().lower() in ("true", "t", "1"),
            "disagrees": _int(row.get("disagrees", "")),
            "line": line,
        }
        if mod == -1:
            moderated_out.add(tid)
    return statements, moderated_out


def read_votes(path: Path, defects: list[Defect], known: dict[int, dict]):
    pids: list[int] = []
    tids: list[int] = []
    votes: list[int] = []
    times: list[float] = []
    unknown: set[int] = set()
    latest: dict[tuple[int, int], tuple[float, int, int]] = {}
    for line, row in _rows(path, defects):
        pid = _int(row.get("voter-id", ""))
        tid = _int(row.get("comment-id", ""))
        vote = VOTE_VALUES.get((row.get("vote") or "").strip())
        ts = _int(row.get("timestamp", ""))
        if pid is None or tid is None:
            defects.append(Defect(path.name, line, "no usable voter-id or comment-id; skipped"))
            continue
        if vote is None:
            defects.append(
                Defect(path.name, line, f"vote {row.get('vote')!r} is not 1, -1 or 0; skipped")
            )
            continue
        if known and tid not in known and tid not in unknown:
            unknown.add(tid)
            defects.append(
                Defect(path.name, line, f"comment-id {tid} is not in comments.csv; votes kept")
            )
        if ts is None:
            defects.append(Defect(path.name, line, "no timestamp; taken as file order"))
            ts = len(times)
        previous = latest.get((pid, tid))
        if previous is not None:
            defects.append(Defect(
                path.name, line,
                f"participant {pid} voted again on statement {tid} (first on line "
                f"{previous[2]}); the later vote counts"))
        if previous is None or ts >= previous[0]:
            latest[(pid, tid)] = (float(ts), vote, line if previous is None else previous[2])
        pids.append(pid)
        tids.append(tid)
        votes.append(vote)
        times.append(float(ts))
    _check_comment_tallies(latest, known, defects)
    return pids, tids, votes, times


def _check_comment_tallies(latest: dict[tuple[int, int], tuple[float, int, int]],
                           known: dict[int, dict], defects: list[Defect]) -> None:
    """comments.csv carries its own agree/disagree tallies; say where they disagree with
    the latest votes."""
    tally: dict[int, list[int]] = {}
    for (_pid, tid), (_ts, vote, _line) in latest.items():
        counts = tally.setdefault(tid, [0, 0])
        if vote == 1:
            counts[0] += 1
        elif vote == -1:
            counts[1] += 1
    for tid, st in sorted(known.items()):
        a, d = tally.get(tid, [0, 0])
        if st.get("agrees") is not None and (st["agrees"], st["disagrees"]) != (a, d):
            defects.append(Defect(
                "comments.csv", st["line"],
                f"comment {tid}: agrees/disagrees {st['agrees']}/{st['disagrees']} but "
                f"votes.csv has {a}/{d} (latest votes); the votes are used"))


def read_participants_votes(path: Path, defects: list[Defect], with_votes: bool):
    groups: dict[int, int] = {}
    pids: list[int] = []
    tids: list[int] = []
    votes: list[int] = []
    times: list[float] = []
    order = 0
    fixed = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
    for line, row in _rows(path, defects):
        pid = _int(row.get("participant", ""))
        if pid is None:
            defects.append(Defect(path.name, line, "no usable participant id; row skipped"))
            continue
        raw_group = (row.get("group-id") or "").strip()
        if raw_group:
            gid = _int(raw_group)
            if gid is None:
                defects.append(Defect(path.name, line, f"group-id {raw_group!r} unreadable"))
            else:
                groups[pid] = gid
        if not with_votes:
            continue
        for key, cell in row.items():
            if key is None or key in fixed:
                continue
            cell = (cell or "").strip()
            if not cell:
                continue
            tid = _int(key)
            vote = VOTE_VALUES.get(cell)
            if tid is None or vote is None:
                defects.append(Defect(path.name, line, f"column {key!r}: value {cell!r} skipped"))
                continue
            pids.append(pid)
            tids.append(tid)
            votes.append(vote)
            times.append(float(order))
            order += 1
    return groups, (pids, tids, votes, times)


def read_conversation(directory: str | Path) -> Conversation:
    """Read a Pol.is export folder. Raises ``FileNotFoundError`` when a needed file is absent."""
    folder = Path(directory)
    defects: list[Defect] = []
    comments = folder / "comments.csv"
    if not comments.is_file():
        raise FileNotFoundError(f"{comments} not found")
    statements, moderated_out = read_comments(comments, defects)
    votes_file = folder / "votes.csv"
    pv_file = folder / "participants-votes.csv"
    groups: dict[int, int] = {}
    if votes_file.is_file():
        columns = read_votes(votes_file, defects, statements)
        if pv_file.is_file():
            groups, _ = read_participants_votes(pv_file, defects, with_votes=False)
    elif pv_file.is_file():
        groups, columns = read_participants_votes(pv_file, defects, with_votes=True)
    else:
        raise FileNotFoundError(f"neither votes.csv nor participants-votes.csv in {folder}")
    pids, tids, votes, times = columns
    return Conversation(
        participant=np.asarray(pids, dtype=np.int64),
        statement=np.asarray(tids, dtype=np.int64),
        vote=np.asarray(votes, dtype=np.int8),
        time=np.asarray(times, dtype=np.float64),
        moderated_out=moderated_out,
        meta={tid for tid, st in statements.items() if st["meta"]},
        statements=statements,
        exported_groups=groups,
        defects=defects,
    )


def _write(path: Path, header: list[str], rows: Iterable[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        if header:
            writer.writerow(header)
        writer.writerows(rows)


def write_conversation(
    directory: str | Path,
    *,
    statements: list[dict],
    votes: list[tuple[int, int, int, int]],
    groups: dict[int, int],
    summary: dict[str, object],
) -> None:
    """Write an export in the Pol.is open-data layout.

    ``statements``: dicts with id, text, author, moderated (-1/0/1), timestamp (ms), agrees,
    disagrees. ``votes``: (timestamp ms, statement id, participant id, vote). ``groups``:
    participant id -> group id for participants the map grouped.
    """
    import datetime as dt

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)

    def stamp(ms: int) -> str:
        return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).strftime(
            "%a %b %d %H:%M:%S UTC %Y"
        )

    _write(
        folder / "comments.csv",
        ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees",
         "moderated", "comment-body"],
        (
            [s["timestamp"], stamp(s["timestamp"]), s["id"], s["author"], s["agrees"],
             s["disagrees"], s["moderated"], s["text"]]
            for s in statements
        ),
    )
    ordered = sorted(votes)
    _write(
        folder / "votes.csv",
        ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
        ([ts, stamp(ts), tid, pid, v] for ts, tid, pid, v in ordered),
    )
    latest: dict[tuple[int, int], int] = {}
    for _ts, tid, pid, v in ordered:
        latest[(pid, tid)] = v
    tids = sorted(s["id"] for s in statements)
    authored: dict[int, int] = {}
    for s in statements:
        if s["author"] is not None:
            authored[s["author"]] = authored.get(s["author"], 0) + 1
    participants = sorted({pid for pid, _ in latest} | set(authored))
    by_pid: dict[int, dict[int, int]] = {}
    for (pid, tid), v in latest.items():
        by_pid.setdefault(pid, {})[tid] = v
    rows = []
    for pid in participants:
        mine = by_pid.get(pid, {})
        rows.append(
            [pid, groups.get(pid, ""), authored.get(pid, 0), len(mine),
             sum(1 for v in mine.values() if v == 1), sum(1 for v in mine.values() if v == -1)]
            + [mine.get(tid, "") for tid in tids]
        )
    _write(
        folder / "participants-votes.csv",
        ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree",
         *[str(t) for t in tids]],
        rows,
    )
    _write(folder / "summary.csv", [], ([k, v] for k, v in summary.items()))
