"""A safe evaluator for the subset of XLSForm (XPath) expressions Gongzhi supports.

Never ``eval``: expressions are tokenised and parsed into a small tree once, when the form
is imported, and interpreted against the answers. Anything outside the subset is refused
with :class:`ExpressionError`, which the importer reports with the sheet row.

Supported:

- literals: numbers (``3``, ``2.5``), strings (``'a'`` or ``"a"``), ``true()``, ``false()``;
- ``${name}`` (another question's answer), ``.`` (this question's answer, in constraints),
  and, in ``choice_filter`` only, a bare column name of the choices sheet;
- operators, by increasing precedence: ``or``; ``and``; ``=`` ``!=``; ``<`` ``<=`` ``>``
  ``>=``; ``+`` ``-``; ``*`` ``div`` ``mod``; unary ``-``; parentheses;
- functions: ``selected(a, v)``, ``count-selected(a)``, ``not(x)``, ``string-length(x)``,
  ``if(c, a, b)``, ``coalesce(a, b)``, ``concat(a, …)``, ``int(x)``, ``number(x)``,
  ``round(x, n)``, ``today()``.

Values: an unanswered question is ``''``; select_multiple answers are lists (a
space-separated string, as in XPath, when used as text). ``=``/``!=`` compare numerically
when either side is a number, otherwise as text; ordering comparisons convert to numbers
unless both sides are text (so ISO dates compare as dates). A non-number is NaN in
arithmetic, and a comparison with NaN is false, as in XPath.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_LENGTH = 1000


class ExpressionError(ValueError):
    pass


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\})
     |(?P<num>\d+(?:\.\d+)?|\.\d+)
     |(?P<str>'[^']*'|"[^"]*")
     |(?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
     |(?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
     |(?P<dot>\.)
    )""",
    re.VERBOSE,
)

FUNCTIONS: dict[str, tuple[int, int]] = {  # name: (min args, max args)
    "selected": (2, 2),
    "count-selected": (1, 1),
    "not": (1, 1),
    "string-length": (1, 1),
    "if": (3, 3),
    "coalesce": (2, 2),
    "concat": (1, 20),
    "int": (1, 1),
    "number": (1, 1),
    "round": (1, 2),
    "today": (0, 0),
    "true": (0, 0),
    "false": (0, 0),
}
WORD_OPS = {"and", "or", "div", "mod"}


@dataclass(frozen=True)
class Expr:
    source: str
    tree: tuple
    refs: frozenset[str]
    columns: frozenset[str]

    def evaluate(self, answers: Mapping[str, Any], current: Any = "",
                 choice: Mapping[str, Any] | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> Any:
        return _eval(self.tree, answers, current, choice or {}, today)

    def truth(self, answers: Mapping[str, Any], current: Any = "",
              choice: Mapping[str, Any] | None = None) -> bool:
        return _bool(self.evaluate(answers, current, choice))


def _tokens(src: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    src = src.rstrip()
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m or m.end() == pos:
            raise ExpressionError(_("cannot read the expression at “%(text)s”")
                                  % {"text": src[pos:pos + 12]})
        kind = m.lastgroup or ""
        text = m.group(kind)
        if kind == "name" and text in WORD_OPS:
            kind = "op"
        out.append((kind, text))
        pos = m.end()
    out.append(("end", ""))
    return out


class _Parser:
    LEVELS: list[set[str]] = [{"or"}, {"and"}, {"=", "!="}, {"<", "<=", ">", ">="},
                              {"+", "-"}, {"*", "div", "mod"}]

    def __init__(self, src: str, allow_columns: bool):
        self.toks = _tokens(src)
        self.i = 0
        self.allow_columns = allow_columns
        self.refs: set[str] = set()
        self.columns: set[str] = set()

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str]:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        kind, t = self.take()
        if t != text:
            raise ExpressionError(_("expected “%(a)s”, found “%(b)s”") % {"a": text, "b": t or "—"})

    def parse(self) -> tuple:
        tree = self.binary(0)
        if self.peek()[0] != "end":
            raise ExpressionError(_("unexpected “%(text)s”") % {"text": self.peek()[1]})
        return tree

    def binary(self, level: int) -> tuple:
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek()[0] == "op" and self.peek()[1] in self.LEVELS[level]:
            op = self.take()[1]
            right = self.binary(level + 1)
            left = ("op", op, left, right)
        return left

    def unary(self) -> tuple:
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self) -> tuple:
        kind, text = self.take()
        if kind == "num":
            return ("lit", float(text))
        if kind == "str":
            return ("lit", text[1:-1])
        if kind == "ref":
            name = text[2:-1]
            self.refs.add(name)
            return ("ref", name)
        if kind == "dot":
            return ("dot",)
        if (kind, text) == ("op", "("):
            inner = self.binary(0)
            self.expect(")")
            return inner
        if kind == "name":
            return self.name(text)
        raise ExpressionError(_("unexpected “%(text)s”") % {"text": text or "—"})

    def name(self, text: str) -> tuple:
        """A bare name: a function call, or (in choice filters) a column of the choice."""
        if self.peek() == ("op", "("):
            return self.call(text)
        if self.allow_columns:
            self.columns.add(text)
            return ("col", text)
        raise ExpressionError(
            _("unsupported name “%(name)s” (write ${%(name)s} for a question)")
            % {"name": text})

    def call(self, text: str) -> tuple:
        if text not in FUNCTIONS:
            raise ExpressionError(_("unsupported function %(name)s()") % {"name": text})
        self.take()
        args: list[tuple] = []
        if self.peek() != ("op", ")"):
            args.append(self.binary(0))
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.binary(0))
        self.expect(")")
        lo, hi = FUNCTIONS[text]
        if not lo <= len(args) <= hi:
            raise ExpressionError(_("%(name)s() takes %(lo)s–%(hi)s arguments, not %(n)s")
                                  % {"name": text, "lo": lo, "hi": hi, "n": len(args)})
        return ("call", text, tuple(args))


def parse(src: str, *, allow_columns: bool = False) -> Expr:
    """Parse ``src``; raises ExpressionError naming what is not supported."""
    if "\x00" in src or len(src) > MAX_LENGTH:
        raise ExpressionError(_("expression too long or contains a null character"))
    p = _Parser(src, allow_columns)
    tree = p.parse()
    return Expr(src, tree, frozenset(p.refs), frozenset(p.columns))


def _text(v: Any) -> str:
    if isinstance(v, list):
        return " ".join(str(x) for x in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if v is None:
        return ""
    return str(v)


def _num(v: Any) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(_text(v).strip())
    except ValueError:
        return math.nan


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return v != 0 and not math.isnan(v)
    if isinstance(v, list):
        return bool(v)
    return bool(_text(v))


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _compare(op: str, a: Any, b: Any) -> bool:
    if op in ("=", "!="):
        if isinstance(a, bool) or isinstance(b, bool):
            eq = _bool(a) == _bool(b)
        elif _is_number(a) or _is_number(b):
            eq = _num(a) == _num(b)
        else:
            eq = _text(a) == _text(b)
        return eq if op == "=" else not eq
    if not (_is_number(a) or _is_number(b)):
        ta, tb = _text(a), _text(b)
        na, nb = _num(ta), _num(tb)
        if math.isnan(na) or math.isnan(nb):
            if not ta or not tb:
                return False
            return _ordered(op, ta, tb)  # text (ISO dates) ordering
        x, y = na, nb
    else:
        x, y = _num(a), _num(b)
    if isinstance(x, float) and (math.isnan(x) or math.isnan(y)):
        return False
    return _ordered(op, x, y)


def _ordered(op: str, x: Any, y: Any) -> bool:
    """``x op y`` for an ordering operator, on two numbers or two texts."""
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _eval(t: tuple, ans: Mapping[str, Any], cur: Any, choice: Mapping[str, Any],
          today: Callable[[], dt.date]) -> Any:
    return _Env(ans, cur, choice, today).eval(t)


@dataclass(frozen=True)
class _Env:
    """What an expression reads: the answers, the current value (``.``), the choice row
    being filtered (its columns) and the date."""

    ans: Mapping[str, Any]
    cur: Any
    choice: Mapping[str, Any]
    today: Callable[[], dt.date]

    def eval(self, t: tuple) -> Any:
        node = _NODES.get(t[0])
        if node is None:  # pragma: no cover - the parser makes only known nodes
            raise ExpressionError(f"cannot evaluate {t[0]}")
        return node(t, self)


def _ref(t: tuple, env: _Env) -> Any:
    v = env.ans.get(t[1], "")
    return "" if v is None else v


def _op(t: tuple, env: _Env) -> Any:
    op = t[1]
    if op == "or":  # both short-circuit, like XPath
        return _bool(env.eval(t[2])) or _bool(env.eval(t[3]))
    if op == "and":
        return _bool(env.eval(t[2])) and _bool(env.eval(t[3]))
    a, b = env.eval(t[2]), env.eval(t[3])
    if op in ("=", "!=", "<", "<=", ">", ">="):
        return _compare(op, a, b)
    arithmetic = _ARITHMETIC.get(op)
    if arithmetic is None:  # pragma: no cover - the parser makes only known operators
        raise ExpressionError(f"cannot evaluate {op}")
    return arithmetic(_num(a), _num(b))


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "div": lambda x, y: math.nan if y == 0 else x / y,
    "mod": lambda x, y: math.nan if y == 0 else math.fmod(x, y),
}


def _call(t: tuple, env: _Env) -> Any:
    name, args = t[1], t[2]
    function = _FUNCTIONS.get(name)
    if function is None:  # pragma: no cover - the parser refuses unknown functions
        raise ExpressionError(f"cannot evaluate {name}")
    return function(args, env)


def _items(v: Any) -> list:
    """A select_multiple answer as its list of choices (a list, or space-separated)."""
    return v if isinstance(v, list) else _text(v).split()


def _int(args: list, env: _Env) -> float:
    x = _num(env.eval(args[0]))
    return x if math.isnan(x) else float(math.trunc(x))


def _round(args: list, env: _Env) -> float:
    x = _num(env.eval(args[0]))
    n = int(_num(env.eval(args[1]))) if len(args) == 2 else 0
    return x if math.isnan(x) else float(round(x, n))


def _coalesce(args: list, env: _Env) -> Any:
    a = env.eval(args[0])
    return a if _text(a) else env.eval(args[1])


# Each function gets its argument trees and evaluates only what it needs (``if`` one branch).
_FUNCTIONS: dict[str, Callable[[list, _Env], Any]] = {
    "true": lambda args, env: True,
    "false": lambda args, env: False,
    "today": lambda args, env: env.today().isoformat(),
    "selected": lambda args, env: (_text(env.eval(args[1]))
                                   in [str(x) for x in _items(env.eval(args[0]))]),
    "count-selected": lambda args, env: float(len(_items(env.eval(args[0])))),
    "not": lambda args, env: not _bool(env.eval(args[0])),
    "string-length": lambda args, env: float(len(_text(env.eval(args[0])))),
    "if": lambda args, env: (env.eval(args[1]) if _bool(env.eval(args[0]))
                             else env.eval(args[2])),
    "coalesce": _coalesce,
    "concat": lambda args, env: "".join(_text(env.eval(a)) for a in args),
    "int": _int,
    "number": lambda args, env: _num(env.eval(args[0])),
    "round": _round,
}

_NODES: dict[str, Callable[[tuple, _Env], Any]] = {
    "lit": lambda t, env: t[1],
    "ref": _ref,
    "dot": lambda t, env: "" if env.cur is None else env.cur,
    "col": lambda t, env: env.choice.get(t[1], ""),
    "neg": lambda t, env: -_num(env.eval(t[1])),
    "op": _op,
    "call": _call,
}
