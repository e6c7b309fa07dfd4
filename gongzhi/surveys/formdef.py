"""An instrument's definition: pages (groups) of questions, choice lists, scoring columns.

Stored as JSON on :class:`~gongzhi.surveys.models.Instrument`, built in the UI or read from
an XLSForm (:mod:`.xlsform`). This module checks a definition (every expression parsed,
every reference known) and cleans a respondent's answers page by page: types, required,
relevant, constraints with their messages, choice filters, calculations.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .expr import Expr, ExpressionError, parse

TYPES = ("text", "integer", "decimal", "select_one", "select_multiple", "note", "date",
         "calculate")
ANSWERED_TYPES = ("text", "integer", "decimal", "select_one", "select_multiple", "date")
LANGS = ("zh", "en")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
MAX_TEXT = 2000


def pick(labels: dict[str, str], lang: str | None = None) -> str:
    """The label in ``lang`` (default: the active language), else the other one."""
    lang = (lang or get_language() or "zh").split("-")[0].lower()
    lang = "zh" if lang.startswith("zh") else lang
    return labels.get(lang) or labels.get("zh") or labels.get("en") or ""


@dataclass
class Choice:
    name: str
    label: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Question:
    name: str
    type: str
    label: dict[str, str] = field(default_factory=dict)
    hint: dict[str, str] = field(default_factory=dict)
    list_name: str = ""
    required: bool = False
    required_message: dict[str, str] = field(default_factory=dict)
    relevant: str = ""
    constraint: str = ""
    constraint_message: dict[str, str] = field(default_factory=dict)
    appearance: str = ""
    choice_filter: str = ""
    calculation: str = ""
    subscale: str = ""
    reverse: bool = False
    row: int = 0  # the XLSForm row it came from (0: built in the UI)

    @property
    def likert(self) -> bool:
        return "likert" in self.appearance.split()


@dataclass
class Group:
    name: str
    label: dict[str, str] = field(default_factory=dict)
    relevant: str = ""
    questions: list[Question] = field(default_factory=list)


@dataclass
class FormDef:
    title: dict[str, str]
    form_id: str = ""
    version: str = ""
    groups: list[Group] = field(default_factory=list)
    choices: dict[str, list[Choice]] = field(default_factory=dict)

    # ------------------------------------------------------------------ (de)serialise
    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> FormDef:
        groups = [
            Group(name=g["name"], label=g.get("label", {}), relevant=g.get("relevant", ""),
                  questions=[Question(**q) for q in g.get("questions", [])])
            for g in data.get("groups", [])
        ]
        choices = {k: [Choice(**c) for c in v] for k, v in data.get("choices", {}).items()}
        return cls(title=data.get("title", {}), form_id=data.get("form_id", ""),
                   version=data.get("version", ""), groups=groups, choices=choices)

    # ------------------------------------------------------------------ lookups
    def questions(self) -> list[Question]:
        return [q for g in self.groups for q in g.questions]

    def question(self, name: str) -> Question:
        for q in self.questions():
            if q.name == name:
                return q
        raise KeyError(name)

    def scored(self) -> dict[str, list[Question]]:
        """Subscale name → its numeric questions, in form order."""
        out: dict[str, list[Question]] = {}
        for q in self.questions():
            if q.subscale and q.type in ("integer", "decimal", "select_one"):
                out.setdefault(q.subscale, []).append(q)
        return out

    def subscale_label(self, name: str, lang: str | None = None) -> str:
        """A subscale's label: the page (group) holding all its items, else its name."""
        items = self.scored().get(name, [])
        for g in self.groups:
            if g.name == name or (items and all(q in g.questions for q in items)):
                return pick(g.label, lang) or name
        return name

    def scale_range(self, q: Question) -> tuple[float, float] | None:
        """Numeric minimum and maximum of a select_one item's choice values."""
        if q.type != "select_one":
            return None
        vals = []
        for c in self.choices.get(q.list_name, []):
            try:
                vals.append(float(c.name))
            except ValueError:
                return None
        return (min(vals), max(vals)) if vals else None

    # ------------------------------------------------------------------ checks
    def check(self) -> list[str]:
        """Every problem of the definition, each naming the question (and row)."""
        problems: list[str] = []
        names: set[str] = set()
        for q in self.questions():
            problems += self._question_problems(q, names)
            names.add(q.name)
        for g in self.groups:
            for q in g.questions:
                problems += _expression_problems(q, names)
            if g.relevant:
                try:
                    parse(g.relevant)
                except ExpressionError as exc:
                    problems.append(_("group %(name)s, relevant: unsupported expression "
                                      "“%(src)s”: %(reason)s")
                                    % {"name": g.name, "src": g.relevant, "reason": exc})
        if not self.questions():
            problems.append(_("The form has no questions."))
        return problems

    def _question_problems(self, q: Question, earlier: set[str]) -> list[str]:
        """Name, type, choice list, calculation and label of one question."""
        where = _where(q)
        problems: list[str] = []
        if not NAME_RE.match(q.name):
            problems.append(_("%(where)s: a name has letters, digits and _ only, "
                              "starting with a letter") % {"where": where})
        if q.name in earlier:
            problems.append(_("%(where)s: the name is used twice") % {"where": where})
        if q.type not in TYPES:
            problems.append(_("%(where)s: unsupported question type %(type)s")
                            % {"where": where, "type": q.type})
        if q.type.startswith("select") and q.list_name not in self.choices:
            problems.append(_("%(where)s: no choice list called %(list)s")
                            % {"where": where, "list": q.list_name or "—"})
        if q.type == "calculate" and not q.calculation:
            problems.append(_("%(where)s: a calculate needs a calculation")
                            % {"where": where})
        if q.type not in ("calculate",) and not q.label:
            problems.append(_("%(where)s: the question has no label") % {"where": where})
        return problems

    # ------------------------------------------------------------------ answering
    def visible(self, q: Question, answers: dict[str, Any], group: Group | None = None) -> bool:
        if group is not None and group.relevant and not _x(group.relevant).truth(answers):
            return False
        return not q.relevant or _x(q.relevant).truth(answers)

    def page_visible(self, g: Group, answers: dict[str, Any]) -> bool:
        if g.relevant and not _x(g.relevant).truth(answers):
            return False
        return any(self.visible(q, answers, g) for q in g.questions if q.type != "calculate")

    def options(self, q: Question, answers: dict[str, Any]) -> list[Choice]:
        items = self.choices.get(q.list_name, [])
        if not q.choice_filter:
            return items
        e = parse(q.choice_filter, allow_columns=True)
        return [c for c in items if e.truth(answers, choice={"name": c.name, **c.extra})]

    def clean_page(self, g: Group, raw: dict[str, Any], answers: dict[str, Any]
                   ) -> tuple[dict[str, Any], dict[str, str]]:
        """Clean the posted values of page ``g``; returns (new answers, errors by name).

        ``raw`` maps a question name to a string (or a list of strings for
        select_multiple); ``answers`` holds the earlier pages. Hidden questions lose their
        answers, calculations are recomputed.
        """
        out = dict(answers)
        errors: dict[str, str] = {}
        for q in g.questions:
            if q.type in ("note",):
                continue
            if q.type == "calculate":
                continue
            if not self.visible(q, out, g):
                out.pop(q.name, None)
                continue
            value, err = self._clean_value(q, raw.get(q.name), out)
            if err:
                errors[q.name] = err
                out.pop(q.name, None)
                continue
            if value in ("", None, []):
                out.pop(q.name, None)
                if q.required:
                    errors[q.name] = pick(q.required_message) or _("This question is required.")
                continue
            out[q.name] = value
            if q.constraint and not _x(q.constraint).truth(out, current=value):
                errors[q.name] = pick(q.constraint_message) or _("This answer is not allowed.")
        self.calculate(out)
        return out, errors

    def calculate(self, answers: dict[str, Any]) -> None:
        for q in self.questions():
            if q.type == "calculate":
                v = _x(q.calculation).evaluate(answers)
                if isinstance(v, float) and math.isnan(v):
                    answers.pop(q.name, None)
                else:
                    answers[q.name] = v

    def _clean_value(self, q: Question, raw: Any, answers: dict[str, Any]
                     ) -> tuple[Any, str]:
        """The answer as stored (or None) and the error to show ("" when none)."""
        if q.type == "select_multiple":
            vals = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
            vals = [str(v) for v in vals]
            allowed = {c.name for c in self.options(q, answers)}
            if any(v not in allowed for v in vals):
                return None, _("Choose from the options shown.")
            return [c.name for c in self.choices[q.list_name] if c.name in vals], ""
        text = "" if raw is None else str(raw)
        if isinstance(raw, list):
            text = str(raw[0]) if raw else ""
        if "\x00" in text:
            return None, _("The answer contains a character that is not allowed.")
        text = text.strip()
        if not text:
            return "", ""
        if len(text) > MAX_TEXT:
            return None, _("At most %(n)s characters.") % {"n": MAX_TEXT}
        if q.type == "select_one":
            if text not in {c.name for c in self.options(q, answers)}:
                return None, _("Choose from the options shown.")
            return text, ""
        parse_text = _TYPED_ANSWERS.get(q.type)
        return parse_text(text) if parse_text else (text, "")

    def clean_all(self, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Clean a whole submission (paper entry, API): every page in order."""
        answers: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for g in self.groups:
            if g.relevant and not _x(g.relevant).truth(answers):
                continue
            answers, errs = self.clean_page(g, raw, answers)
            errors.update(errs)
        unknown = sorted(set(raw) - {q.name for q in self.questions()})
        for name in unknown:
            errors[name] = _("There is no question called %(name)s.") % {"name": name}
        return answers, errors


def _where(q: Question) -> str:
    return _("row %(row)s (%(name)s)") % {"row": q.row, "name": q.name} if q.row else q.name


def _expression_problems(q: Question, known: set[str]) -> list[str]:
    """Each expression of a question parses and names only questions of the form."""
    problems: list[str] = []
    for col, src, cols in (("relevant", q.relevant, False),
                           ("constraint", q.constraint, False),
                           ("calculation", q.calculation, False),
                           ("choice_filter", q.choice_filter, True)):
        if not src:
            continue
        try:
            e = parse(src, allow_columns=cols)
        except ExpressionError as exc:
            problems.append(_("%(where)s, %(col)s: unsupported expression "
                              "“%(src)s”: %(reason)s")
                            % {"where": _where(q), "col": col, "src": src, "reason": exc})
            continue
        unknown = sorted(e.refs - known)
        if unknown:
            problems.append(_("%(where)s, %(col)s: unknown question %(names)s")
                            % {"where": _where(q), "col": col, "names": ", ".join(unknown)})
    return problems


def _integer_answer(text: str) -> tuple[Any, str]:
    try:
        return int(text), ""
    except ValueError:
        return None, _("Enter a whole number.")


def _decimal_answer(text: str) -> tuple[Any, str]:
    try:
        v = float(text)
    except ValueError:
        return None, _("Enter a number.")
    if not math.isfinite(v):
        return None, _("Enter a number.")
    return v, ""


def _date_answer(text: str) -> tuple[Any, str]:
    try:
        return dt.date.fromisoformat(text).isoformat(), ""
    except ValueError:
        return None, _("Enter a date as YYYY-MM-DD.")


# Answers typed as text that are stored as another type: (value, error) from the text.
_TYPED_ANSWERS: dict[str, Callable[[str], tuple[Any, str]]] = {
    "integer": _integer_answer, "decimal": _decimal_answer, "date": _date_answer,
}


_cache: dict[tuple[str, bool], Expr] = {}


def _x(src: str, columns: bool = False) -> Expr:
    key = (src, columns)
    e = _cache.get(key)
    if e is None:
        e = parse(src, allow_columns=columns)
        if len(_cache) < 5000:
            _cache[key] = e
    return e
