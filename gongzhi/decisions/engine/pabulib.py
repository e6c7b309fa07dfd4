"""Reading and writing Pabulib ``.pb`` files.

The format (pabulib.org/format) has three sections, ``META``, ``PROJECTS`` and ``VOTES``,
each a ``;``-separated CSV table whose first row is a header. Quoted fields may contain
``;``, so we parse with :mod:`csv` rather than splitting lines. Every problem is reported
as a :class:`PabulibError` naming the line, because the people who feed us these files are
city officials editing spreadsheets, and "line 812: cost 'abc' is not a number" is what
they can act on.

Real files have defects that do not make their meaning unclear -- a voter who lists the
same project twice on an approval ballot, a ``num_votes`` that does not match the VOTES
section, a ``votes`` column that disagrees with the ballots. Those are collected as
:class:`PabulibDefect` (each with its line) in :attr:`PBElection.defects`: the parser
counts a repeated approval once and goes on. ``strict=True`` refuses the file at the first
defect instead. Anything whose meaning is unclear (a project listed twice on a ranking or
with points, an unknown project) is always an error.

Numbers (budget, costs, points) are kept exact: ``int`` when integral, otherwise
:class:`fractions.Fraction`, so that no rule ever sees a rounded cost.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

Number = int | Fraction

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
_SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """A malformed Pabulib file; ``line`` is the 1-based line number (when known)."""

    def __init__(self, message: str, line: int | None = None, source: str | None = None):
        self.line = line
        self.source = source
        self.reason = message
        where = []
        if source:
            where.append(str(source))
        if line is not None:
            where.append(f"line {line}")
        prefix = ": ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


@dataclass(frozen=True, slots=True)
class PabulibDefect:
    """A defect the parser repaired or only noted (see the module docstring)."""

    line: int | None
    message: str
    code: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


def parse_number(text: str) -> Number:
    """Parse an exact number; accepts ``12``, ``12.50``, ``12,50`` (decimal comma), ``1e6``.

    Raises ``ValueError`` for anything else (including NaN and infinities).
    """
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    if not raw:
        raise ValueError("empty number")
    low = raw.lower()
    if low in {"nan", "inf", "-inf", "+inf", "infinity", "-infinity"}:
        raise ValueError(f"not a finite number: {text!r}")
    value = Fraction(raw)
    return int(value) if value.denominator == 1 else value


def format_number(value: Number | float) -> str:
    """Inverse of :func:`parse_number` for exact values: decimals where finite, else ``p/q``."""
    if isinstance(value, float):
        value = Fraction(value)
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    whole = abs(int(scaled))
    text = str(whole).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


@dataclass(slots=True)
class Project:
    """One row of ``PROJECTS``. ``fields`` keeps every other column verbatim."""

    project_id: str
    cost: Number
    name: str = ""
    selected: int | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Voter:
    """One row of ``VOTES``.

    ``vote`` is the list of project ids in file order: the approval set, the ranking for
    ordinal ballots (best first) or the projects that ``points`` refer to.
    """

    voter_id: str
    vote: list[str]
    points: list[Number] | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def ranking(self) -> list[str]:
        """The ranking of an ordinal ballot, most preferred first."""
        return self.vote


@dataclass(slots=True)
class PBElection:
    """A parsed Pabulib file: instance (meta and projects) and profile (voters)."""

    meta: dict[str, str]
    projects: dict[str, Project]
    voters: list[Voter]
    project_columns: list[str] = field(default_factory=lambda: ["project_id", "cost"])
    vote_columns: list[str] = field(default_factory=lambda: ["voter_id", "vote"])
    # What the parser repaired or noted, in file order (not part of the election's value).
    defects: list[PabulibDefect] = field(default_factory=list, compare=False)

    @property
    def budget(self) -> Number:
        return parse_number(self.meta["budget"])

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()

    @property
    def rule(self) -> str | None:
        rule = self.meta.get("rule")
        return rule.strip() if rule is not None else None

    @property
    def has_selected(self) -> bool:
        return "selected" in self.project_columns

    def official_selection(self) -> list[str]:
        """Projects whose ``selected`` column is 1 (2 and 3 mark extra funds, excluded)."""
        return [p.project_id for p in self.projects.values() if p.selected == 1]


# --------------------------------------------------------------------------- parsing


def read_pabulib(path: str | os.PathLike[str], *, strict: bool = False) -> PBElection:
    """Parse a ``.pb`` file from disk (UTF-8, optional BOM)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_pabulib(handle, source=Path(path).name, strict=strict)


def parse_pabulib_text(text: str, source: str | None = None, *,
                       strict: bool = False) -> PBElection:
    return parse_pabulib(io.StringIO(text.lstrip("\ufeff"), newline=""), source=source,
                         strict=strict)


def parse_pabulib(stream: Iterable[str], source: str | None = None, *,
                  strict: bool = False) -> PBElection:
    """Parse Pabulib content from an iterable of lines; see :class:`PabulibError`.

    Repairable defects go to ``election.defects``; with ``strict`` the first one raises
    :class:`PabulibError` instead."""
    reader = csv.reader(stream, delimiter=";", quotechar='"')
    state = _Reader(source, strict)
    try:
        for row in reader:
            state.row(row, reader.line_num)
    except csv.Error as exc:
        raise state.fail(f"CSV syntax error: {exc}", reader.line_num) from None
    return state.finish()


class _Reader:
    """The state of one file being read: the sections seen, the current one and its
    header, and what each section gave so far (with the line of each item)."""

    def __init__(self, source: str | None, strict: bool):
        self.source = source
        self.strict = strict
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.projects: dict[str, Project] = {}
        self.project_lines: dict[str, int] = {}
        self.voters: list[Voter] = []
        self.voter_lines: list[int] = []
        self.project_columns: list[str] = []
        self.vote_columns: list[str] = []
        self.seen: list[str] = []
        self.section: str | None = None
        self.header: list[str] | None = None
        self.expect_header = False
        self.last_line = 0
        self.defects: list[PabulibDefect] = []

    def fail(self, message: str, line: int | None) -> PabulibError:
        return PabulibError(message, line=line, source=self.source)

    def defect(self, message: str, line: int | None, code: str) -> None:
        if self.strict:
            raise self.fail(f"{message} (refused: --strict)", line)
        self.defects.append(PabulibDefect(line, message, code))

    def row(self, row: list[str], line: int) -> None:
        self.last_line = line
        if not row or all(not cell.strip() for cell in row):
            return
        head = row[0].strip().lower()
        if head in _SECTIONS and all(not cell.strip() for cell in row[1:]):
            self._start_section(head, line)
        elif self.section is None:
            raise self.fail(
                f"expected the section marker META on the first line, found {row[0]!r}", line)
        elif self.expect_header:
            self._header_row(self.section, row, line)
        elif self.section == "meta":
            self._meta_row(row, line)
        elif self.section == "projects":
            self._project_row(row, line)
        else:
            assert self.header is not None
            self.voters.append(_parse_vote(row, self.header, line, self.projects, self.meta,
                                           self.fail, self.defect))
            self.voter_lines.append(line)

    def _start_section(self, head: str, line: int) -> None:
        if head in self.seen:
            raise self.fail(f"section {head.upper()} appears twice", line)
        expected = _SECTIONS[len(self.seen)]
        if head != expected:
            raise self.fail(
                f"section {head.upper()} found where {expected.upper()} was expected "
                "(sections must be META, PROJECTS, VOTES in this order)",
                line,
            )
        if self.section is not None and self.expect_header:
            raise self.fail(f"section {self.section.upper()} has no header row", line)
        if head == "votes":
            _check_meta(self.meta, self.meta_lines, self.fail)
        self.seen.append(head)
        self.section = head
        self.expect_header = True

    def _header_row(self, section: str, row: list[str], line: int) -> None:
        header = [cell.strip() for cell in row]
        _check_header(section, header, line, self.fail)
        if section == "projects":
            self.project_columns = header
        elif section == "votes":
            self.vote_columns = header
        self.header = header
        self.expect_header = False

    def _meta_row(self, row: list[str], line: int) -> None:
        cells = _fit_row(row, 2, line, "META", self.fail)
        key = cells[0].strip()
        if not key:
            raise self.fail("META row has an empty key", line)
        if key in self.meta:
            raise self.fail(f"META key {key!r} is repeated", line)
        self.meta[key] = cells[1].strip()
        self.meta_lines[key] = line

    def _project_row(self, row: list[str], line: int) -> None:
        assert self.header is not None
        project = _parse_project(row, self.header, line, self.fail)
        if project.project_id in self.projects:
            raise self.fail(f"project id {project.project_id!r} is listed twice", line)
        self.projects[project.project_id] = project
        self.project_lines[project.project_id] = line

    def finish(self) -> PBElection:
        if self.expect_header and self.section is not None:
            raise self.fail(f"section {self.section.upper()} has no header row",
                            self.last_line or 1)
        for name in _SECTIONS:
            if name not in self.seen:
                raise self.fail(f"missing section {name.upper()}", (self.last_line or 0) + 1)
        if not self.projects:
            raise self.fail("the PROJECTS section lists no project", self.last_line)
        _check_counts(self.meta, self.meta_lines, self.projects, self.project_lines,
                      self.voters, self.voter_lines, self.defect)
        return PBElection(
            meta=self.meta,
            projects=self.projects,
            voters=self.voters,
            project_columns=self.project_columns,
            vote_columns=self.vote_columns,
            defects=self.defects,
        )


def _check_counts(meta, meta_lines, projects, project_lines, voters, voter_lines,
                  defect) -> None:
    """Compare the file's own figures (num_votes, num_projects, max_length, the ``votes``
    column) with what its sections contain."""
    for key, actual, what in (("num_votes", len(voters), "voters"),
                              ("num_projects", len(projects), "projects")):
        raw = meta.get(key, "").strip()
        if raw.isdigit() and int(raw) != actual:
            defect(f"META says {key} {raw} but the file lists {actual} {what}",
                   meta_lines[key], f"{key}_mismatch")
    vote_type = meta.get("vote_type", "approval").strip().lower()
    max_length = meta.get("max_length", "").strip()
    if vote_type == "approval" and max_length.isdigit():
        limit = int(max_length)
        for voter, line in zip(voters, voter_lines, strict=True):
            if len(voter.vote) > limit:
                defect(f"voter {voter.voter_id!r} approves {len(voter.vote)} projects, "
                       f"more than max_length {limit}", line, "over_max_length")
    counted = dict.fromkeys(projects, 0)
    for voter in voters:
        for pid in voter.vote:
            counted[pid] += 1
    for pid, project in projects.items():
        raw = project.fields.get("votes", "").strip()
        if raw.isdigit() and int(raw) != counted[pid]:
            defect(f"project {pid!r} has votes {raw} in PROJECTS but {counted[pid]} voters "
                   "list it in VOTES", project_lines[pid], "votes_column_mismatch")


def _fit_row(row: list[str], width: int, line: int, what: str, fail) -> list[str]:
    """Return ``row`` with exactly ``width`` cells; trailing empty cells are tolerated."""
    if len(row) > width and all(not cell.strip() for cell in row[width:]):
        row = row[:width]
    if len(row) != width:
        raise fail(
            f"{what} row has {len(row)} fields but the header has {width} "
            "(an unquoted ';' inside a value?)",
            line,
        )
    return row


def _check_header(section: str, header: list[str], line: int, fail) -> None:
    required = {
        "meta": ("key", "value"),
        "projects": ("project_id", "cost"),
        "votes": ("voter_id", "vote"),
    }[section]
    if section == "meta":
        if len(header) < 2 or [h.lower() for h in header[:2]] != ["key", "value"]:
            raise fail("META header must be 'key;value'", line)
        return
    for column in required:
        if column not in header:
            raise fail(
                f"{section.upper()} header lacks the required column {column!r} "
                f"(found: {';'.join(header)})",
                line,
            )
    duplicates = {h for h in header if header.count(h) > 1}
    if duplicates:
        raise fail(f"{section.upper()} header repeats column(s) {sorted(duplicates)}", line)


def _check_meta(meta: dict[str, str], lines: dict[str, int], fail) -> None:
    if "budget" not in meta:
        raise fail("META has no 'budget' entry", max(lines.values(), default=1))
    try:
        budget = parse_number(meta["budget"])
    except (ValueError, ZeroDivisionError):
        raise fail(f"budget {meta['budget']!r} is not a number", lines["budget"]) from None
    if budget < 0:
        raise fail(f"budget {meta['budget']!r} is negative", lines["budget"])
    vote_type = meta.get("vote_type", "approval").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise fail(
            f"unknown vote_type {meta.get('vote_type')!r}; known: {', '.join(VOTE_TYPES)}",
            lines.get("vote_type"),
        )
    for key in ("max_length", "min_length", "min_project_score_threshold"):
        if key in meta and meta[key].strip():
            try:
                parse_number(meta[key])
            except (ValueError, ZeroDivisionError):
                raise fail(f"{key} {meta[key]!r} is not a number", lines[key]) from None


def _parse_project(row: list[str], header: list[str], line: int, fail) -> Project:
    cells = _fit_row(row, len(header), line, "PROJECTS", fail)
    values = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
    project_id = values["project_id"]
    if not project_id:
        raise fail("project has an empty project_id", line)
    try:
        cost = parse_number(values["cost"])
    except (ValueError, ZeroDivisionError):
        raise fail(
            f"cost {values['cost']!r} of project {project_id!r} is not a number", line
        ) from None
    if cost < 0:
        raise fail(f"cost {values['cost']!r} of project {project_id!r} is negative", line)
    selected: int | None = None
    raw_selected = values.get("selected", "")
    if raw_selected and raw_selected.lower() != "none":
        try:
            selected = int(parse_number(raw_selected))
        except (ValueError, ZeroDivisionError):
            raise fail(
                f"selected value {raw_selected!r} of project {project_id!r} is not an integer", line
            ) from None
    extra = {k: v for k, v in values.items() if k not in ("project_id", "cost", "name", "selected")}
    return Project(project_id, cost, values.get("name", ""), selected, extra)


def _parse_vote(row, header, line, projects, meta, fail, defect) -> Voter:
    cells = _fit_row(row, len(header), line, "VOTES", fail)
    values = {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
    voter_id = values["voter_id"]
    raw_vote = values["vote"]
    vote = (
        [] if raw_vote.lower() == "none" else [p.strip() for p in raw_vote.split(",") if p.strip()]
    )
    vote_type = meta.get("vote_type", "approval").strip().lower()
    has_points = bool(values.get("points")) and values["points"].lower() != "none"
    seen: set[str] = set()
    repeated: list[str] = []
    for project_id in vote:
        if project_id not in projects:
            raise fail(f"voter {voter_id!r} votes for unknown project {project_id!r}", line)
        if project_id in seen:
            if vote_type != "approval" or has_points:
                # a second rank or a second number of points: which one did they mean?
                raise fail(f"voter {voter_id!r} lists project {project_id!r} twice", line)
            repeated.append(project_id)
        seen.add(project_id)
    if repeated:
        defect(f"voter {voter_id!r} lists project(s) {', '.join(map(repr, repeated))} more "
               "than once on an approval ballot; counted once", line, "repeated_approval")
        vote = list(dict.fromkeys(vote))
    points: list[Number] | None = None
    if "points" in values and values["points"] and values["points"].lower() != "none":
        items = [p.strip() for p in values["points"].split(",") if p.strip()]
        if len(items) != len(vote):
            raise fail(f"voter {voter_id!r} has {len(vote)} projects but {len(items)} points", line)
        try:
            points = [parse_number(p) for p in items]
        except (ValueError, ZeroDivisionError):
            raise fail(
                f"voter {voter_id!r} has a non-numeric points value in {values['points']!r}", line
            ) from None
        if any(p < 0 for p in points):
            raise fail(f"voter {voter_id!r} has negative points", line)
    elif vote_type in ("cumulative", "scoring") and vote:
        raise fail(f"voter {voter_id!r} has no points but vote_type is {vote_type}", line)
    attributes = {k: v for k, v in values.items() if k not in ("voter_id", "vote", "points")}
    return Voter(voter_id, vote, points, attributes)


# --------------------------------------------------------------------------- writing


def write_pabulib(election: PBElection) -> str:
    """Serialise to Pabulib text; ``parse_pabulib_text(write_pabulib(e)) == e``."""
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    writer.writerow(election.project_columns)
    for project in election.projects.values():
        core = {
            "project_id": project.project_id,
            "cost": format_number(project.cost),
            "name": project.name,
            "selected": "" if project.selected is None else str(project.selected),
        }
        writer.writerow(
            [core[c] if c in core else project.fields.get(c, "") for c in election.project_columns]
        )
    writer.writerow(["VOTES"])
    writer.writerow(election.vote_columns)
    for voter in election.voters:
        core = {
            "voter_id": voter.voter_id,
            "vote": ",".join(voter.vote),
            "points": ""
            if voter.points is None
            else ",".join(format_number(p) for p in voter.points),
        }
        writer.writerow(
            [core[c] if c in core else voter.attributes.get(c, "") for c in election.vote_columns]
        )
    return out.getvalue()


def save_pabulib(election: PBElection, path: str | os.PathLike[str]) -> None:
    Path(path).write_text(write_pabulib(election), encoding="utf-8")
