"""XLSForm in and out, read and written with openpyxl.

Why openpyxl and not pyxform: pyxform turns an XLSForm into ODK XForm XML for ODK
Collect; Gongzhi does not render XForms, it needs the sheets' content in its own
definition (:mod:`.formdef`) with its own safe expression evaluator (:mod:`.expr`), and
openpyxl — already a dependency for ledger imports — reads and writes the sheets directly.
pyxform would add a dependency whose output we would have to parse back.

Supported: sheets ``survey``, ``choices``, ``settings``; types text, integer, decimal,
select_one L, select_multiple L, note, date, calculate, begin/end group (a top-level group
is one page; nested groups are folded into their page, their ``relevant`` added to each
question's); columns type, name, label, hint, required, required_message, relevant,
constraint, constraint_message, appearance, choice_filter, calculation, and our scoring
columns ``subscale`` and ``reverse``; languages as ``label::Chinese (zh)``,
``label::English (en)`` (a plain ``label`` is in the settings' default_language, else
Chinese). ODK metadata types (start, end, today, deviceid, …) are skipped with a notice;
anything else unsupported (repeats, geopoints, files, …) is refused naming its row.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from .formdef import LANGS, Choice, FormDef, Group, Question

MAX_ROWS = 2000
META_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial",
              "phonenumber", "username", "email", "audit", "imei", "start-geopoint"}
TRANSLATED = ("label", "hint", "required_message", "constraint_message")
LANG_NAMES = {"chinese": "zh", "中文": "zh", "english": "en", "英文": "en"}
TRUE = {"yes", "true", "true()", "1", "y"}
FALSE = {"", "no", "false", "false()", "0", "n"}


class XLSFormError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Imported:
    form: FormDef
    notices: list[str] = field(default_factory=list)


def _lang(spec: str, default: str) -> str | None:
    spec = spec.strip()
    if not spec:
        return default
    m = re.search(r"\(([A-Za-z\-]+)\)\s*$", spec)
    code = (m.group(1) if m else spec).lower()
    code = LANG_NAMES.get(code, code)
    code = "zh" if code.startswith("zh") else code.split("-")[0]
    return code if code in LANGS else None


def _rows(ws) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    it = ws.iter_rows(values_only=True)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(it)]
    except StopIteration:
        return [], []
    out = []
    for n, row in enumerate(it, start=2):
        if n > MAX_ROWS + 1:
            raise XLSFormError([_("The sheet %(sheet)s has more than %(n)s rows.")
                                % {"sheet": ws.title, "n": MAX_ROWS}])
        cells = {h: ("" if v is None else str(v).strip()) for h, v in zip(header, row,
                                                                         strict=False) if h}
        if any(cells.values()):
            out.append((n, cells))
    return header, out


def _translated(cells: dict[str, str], base: str, default: str,
                problems: list[str], row: int, sheet: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for col, v in cells.items():
        if not v:
            continue
        head, _sep, spec = col.partition("::")
        if head.strip().lower() != base:
            continue
        lang = _lang(spec, default)
        if lang is None:
            continue  # another language: kept out, not an error
        out[lang] = v[:1000]
    return out


def read_xlsform(data: bytes) -> Imported:
    """Read an XLSForm workbook; raises XLSFormError listing every problem by row."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise XLSFormError([_("The file is not an Excel workbook (.xlsx).")]) from None
    sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}
    if "survey" not in sheets:
        raise XLSFormError([_("The workbook has no sheet called “survey”.")])
    problems: list[str] = []
    settings: dict[str, str] = {}
    if "settings" in sheets:
        _h, srows = _rows(sheets["settings"])
        if srows:
            settings = {k.lower(): v for k, v in srows[0][1].items()}
    default = _lang(settings.get("default_language", ""), "zh") or "zh"
    choices = _read_choices(sheets["choices"], default, problems) if "choices" in sheets else {}
    survey = _SurveySheet(default, problems)
    _h, rows = _rows(sheets["survey"])
    for n, cells in rows:
        survey.row(n, cells)
    survey.finish()
    form = FormDef(title=_form_title(settings, default),
                   form_id=settings.get("form_id", "")[:64],
                   version=settings.get("version", "")[:32], groups=survey.groups,
                   choices=choices)
    problems += form.check()
    if problems:
        raise XLSFormError(problems)
    return Imported(form, survey.notices)


def _read_choices(ws, default: str, problems: list[str]) -> dict[str, list[Choice]]:
    """The ``choices`` sheet: one list per list_name, each name once."""
    choices: dict[str, list[Choice]] = {}
    _h, crows = _rows(ws)
    for n, cells in crows:
        low = {k.lower(): v for k, v in cells.items()}
        ln, name = low.get("list_name", "") or low.get("list name", ""), low.get("name", "")
        if not ln or not name:
            problems.append(_("choices row %(row)s: list_name and name are required")
                            % {"row": n})
            continue
        if any(c.name == name for c in choices.get(ln, [])):
            problems.append(_("choices row %(row)s: %(name)s appears twice in %(list)s")
                            % {"row": n, "name": name, "list": ln})
            continue
        extra = {k: v for k, v in cells.items()
                 if k.lower() not in ("list_name", "list name", "name")
                 and k.split("::")[0].strip().lower() not in TRANSLATED and v}
        choices.setdefault(ln, []).append(
            Choice(name=name, label=_translated(cells, "label", default, problems, n,
                                                "choices"), extra=extra))
    return choices


def _form_title(settings: dict[str, str], default: str) -> dict[str, str]:
    title = {}
    if settings.get("form_title"):
        title[default] = settings["form_title"][:200]
    for k, v in settings.items():
        if k.startswith("form_title::") and v:
            lang = _lang(k.partition("::")[2], default)
            if lang:
                title[lang] = v[:200]
    return title


class _SurveySheet:
    """The ``survey`` sheet read row by row: groups (a top-level group is a page; nested
    ones fold into it), questions, and a problem or notice for each row it cannot take."""

    def __init__(self, default: str, problems: list[str]):
        self.default = default
        self.problems = problems
        self.notices: list[str] = []
        self.groups: list[Group] = []
        self.stack: list[tuple[str, str, int]] = []  # (name, relevant, row) of open groups
        self.current: Group | None = None
        self.loose = 0

    def row(self, n: int, cells: dict[str, str]) -> None:
        low = {k.split("::")[0].strip().lower() if "::" in k else k.lower(): v
               for k, v in cells.items()}
        typ = re.sub(r"\s+", " ", low.get("type", "")).strip()
        parts = typ.replace("begin_group", "begin group").replace(
            "end_group", "end group").split(" ")
        head = " ".join(parts[:2]) if parts[0] in ("begin", "end") else parts[0]
        if not typ:
            self.problems.append(_("survey row %(row)s: the type is empty") % {"row": n})
        elif head == "begin group":
            self._begin_group(n, cells, low)
        elif head == "end group":
            self._end_group(n)
        elif head in ("begin repeat", "end repeat") or parts[0] in ("begin_repeat",
                                                                   "end_repeat"):
            self.problems.append(_("survey row %(row)s: repeats are not supported")
                                 % {"row": n})
        elif parts[0] in META_TYPES:
            self.notices.append(_("survey row %(row)s: metadata %(type)s skipped")
                                % {"row": n, "type": parts[0]})
        else:
            q = self._question(n, cells, low, typ, parts)
            if q is not None:
                self._place(q)

    def finish(self) -> None:
        if self.stack:
            self.problems.append(_("survey row %(row)s: begin group without end group")
                                 % {"row": self.stack[-1][2]})

    def _begin_group(self, n: int, cells: dict[str, str], low: dict[str, str]) -> None:
        name = low.get("name", "")
        if not self.stack:
            self.current = Group(name=name or f"page_{len(self.groups) + 1}",
                                 label=self._translated(cells, "label", n),
                                 relevant=low.get("relevant", ""))
            self.groups.append(self.current)
        self.stack.append((name, low.get("relevant", "") if self.stack else "", n))

    def _end_group(self, n: int) -> None:
        if not self.stack:
            self.problems.append(_("survey row %(row)s: end group without begin group")
                                 % {"row": n})
            return
        self.stack.pop()
        if not self.stack:
            self.current = None

    def _question(self, n: int, cells: dict[str, str], low: dict[str, str], typ: str,
                  parts: list[str]) -> Question | None:
        kind = self._question_type(n, typ, parts)
        if kind is None:
            return None
        req = self._yes_no(n, low, "required")
        if req is None:
            return None
        rev = self._yes_no(n, low, "reverse")
        if rev is None:
            return None
        qtype, list_name = kind
        relevant = low.get("relevant", "")
        inherited = [r for _n, r, _row in self.stack[1:] if r]
        if inherited:
            relevant = " and ".join(f"({r})" for r in [*inherited, relevant] if r)
        return Question(
            name=low.get("name", ""), type=qtype, list_name=list_name,
            label=self._translated(cells, "label", n),
            hint=self._translated(cells, "hint", n),
            required=req, required_message=self._translated(cells, "required_message", n),
            relevant=relevant, constraint=low.get("constraint", ""),
            constraint_message=self._translated(cells, "constraint_message", n),
            appearance=low.get("appearance", ""), choice_filter=low.get("choice_filter", ""),
            calculation=low.get("calculation", ""), subscale=low.get("subscale", ""),
            reverse=rev, row=n,
        )

    def _question_type(self, n: int, typ: str, parts: list[str]) -> tuple[str, str] | None:
        """``(type, choice list)`` of a question row, or None (with a problem)."""
        qtype = parts[0]
        if qtype in ("select_one", "select_multiple"):
            if len(parts) != 2:
                self.problems.append(_("survey row %(row)s: %(type)s needs a choice list name "
                                       "(or_other is not supported)")
                                     % {"row": n, "type": qtype})
                return None
            return qtype, parts[1]
        if len(parts) > 1 or qtype not in ("text", "integer", "decimal", "note", "date",
                                          "calculate"):
            self.problems.append(_("survey row %(row)s: unsupported type “%(type)s”")
                                 % {"row": n, "type": typ})
            return None
        return qtype, ""

    def _yes_no(self, n: int, low: dict[str, str], column: str) -> bool | None:
        value = low.get(column, "").lower()
        if value in TRUE | FALSE:
            return value in TRUE
        if column == "required":
            self.problems.append(_("survey row %(row)s: required must be yes or no, not "
                                   "“%(value)s”") % {"row": n, "value": low.get("required")})
        else:
            self.problems.append(_("survey row %(row)s: reverse must be yes or no")
                                 % {"row": n})
        return None

    def _translated(self, cells: dict[str, str], base: str, n: int) -> dict[str, str]:
        return _translated(cells, base, self.default, self.problems, n, "survey")

    def _place(self, q: Question) -> None:
        """In the open page, else in a page of loose questions."""
        if self.current is not None:
            self.current.questions.append(q)
            return
        if not self.groups or not self.groups[-1].name.startswith("_loose"):
            self.loose += 1
            self.groups.append(Group(name=f"_loose{self.loose}"))
        self.groups[-1].questions.append(q)


LANG_HEADERS = {"zh": "Chinese (zh)", "en": "English (en)"}


def write_xlsform(form: FormDef) -> bytes:
    """The definition as an XLSForm workbook (read_xlsform gives the same definition)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    tr = [f"{base}::{LANG_HEADERS[lang]}" for base in TRANSLATED for lang in LANGS]
    cols = ["type", "name", *tr[:4], "required", *tr[4:6], "relevant", "constraint",
            *tr[6:], "appearance", "choice_filter", "calculation", "subscale", "reverse"]
    ws.append(cols)

    def row_for(q: Question | None, typ: str, name: str, label: dict[str, str],
                relevant: str = "") -> list[str]:
        vals: dict[str, str] = {"type": typ, "name": name, "relevant": relevant}
        for lang in LANGS:
            vals[f"label::{LANG_HEADERS[lang]}"] = label.get(lang, "")
        if q is not None:
            for base in ("hint", "required_message", "constraint_message"):
                for lang in LANGS:
                    vals[f"{base}::{LANG_HEADERS[lang]}"] = getattr(q, base).get(lang, "")
            vals.update(required="yes" if q.required else "", constraint=q.constraint,
                        appearance=q.appearance, choice_filter=q.choice_filter,
                        calculation=q.calculation, subscale=q.subscale,
                        reverse="yes" if q.reverse else "")
        return [vals.get(c, "") for c in cols]

    for g in form.groups:
        grouped = not g.name.startswith("_loose")
        if grouped:
            ws.append(row_for(None, "begin group", g.name, g.label, g.relevant))
        for q in g.questions:
            typ = f"{q.type} {q.list_name}" if q.list_name else q.type
            ws.append(row_for(q, typ, q.name, q.label, q.relevant))
        if grouped:
            ws.append(row_for(None, "end group", "", {}))
    cs = wb.create_sheet("choices")
    extra_cols = sorted({k for items in form.choices.values() for c in items for k in c.extra})
    cs.append(["list_name", "name", *[f"label::{LANG_HEADERS[lang]}" for lang in LANGS],
               *extra_cols])
    for ln, items in form.choices.items():
        for c in items:
            cs.append([ln, c.name, *[c.label.get(lang, "") for lang in LANGS],
                       *[c.extra.get(k, "") for k in extra_cols]])
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_title::English (en)", "form_id", "version",
               "default_language"])
    st.append([form.title.get("zh", ""), form.title.get("en", ""), form.form_id,
               form.version, LANG_HEADERS["zh"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
