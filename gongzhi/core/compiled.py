"""Querysets compiled once: the SQL of a query run on every request, built by the ORM once
per process, thread and database, then run with each request's values.

Turning a queryset into SQL costs Django 1-3 ms on this project's machines (every column,
join and order is an object compiled anew), more than the database takes to answer a
lookup by key. Most pages run the same few lookups -- the session with its user, the
community by its short name -- whose SQL never changes; only the values do::

    SESSION = CompiledQuery(
        lambda key, now: UserSession.objects.select_related("user").filter(
            session_key=key, expire_date__gt=now),
        key=str, now=datetime)

    found = SESSION.first(key=request_key, now=timezone.now())

``build`` receives a *stand-in* for each named value (an int, text or aware datetime no
real row has) and must use each one only as a plain value of a filter, so that the SQL's
shape does not depend on it: no ``__in`` lists, no ``None``, no branching on the value.
The stand-ins are found among the compiled parameters (an error names one that is not)
and replaced there by the real values at each run; the rows come back as the queryset
would give them (model instances with ``select_related`` objects and annotations filled,
through the compiler's own converters). ``core/tests/test_compiled.py`` compares every
use with the ORM's own answer on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.query import (  # type: ignore[attr-defined]
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

from gongzhi.core.db import prepared_cursor

_KINDS = (int, str, dt.datetime)


class NotCompilable(ValueError):
    """The build cannot be kept for other requests: it baked in a time, read something
    about the viewer or the community other than what they answer, or ran a query."""


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        # within a 32-bit integer: Django leaves a value out of a field's range out of the
        # SQL altogether (the lookup matches nothing), which would change the query
        return -2_000_000_000 + index
    if kind is str:
        return f"\x1egz-stand-in-{index}\x1e"
    if kind is dt.datetime:
        return dt.datetime(1901, 2, 3, 4, 5, 6, 100_000 + index, tzinfo=dt.UTC)
    raise TypeError(f"a compiled query's value is an int, a str or a datetime, not {kind!r}")


@dataclass(frozen=True)
class _Slot:
    position: int        # index in the compiled parameters
    name: str            # the value's name
    adapt_datetime: bool  # the backend adapts datetimes (SQLite: to text)


@dataclass(frozen=True)
class _Compiled:
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: tuple[_Slot, ...]
    values: bool  # a values_list() queryset
    flat: bool    # ... with flat=True
    # how rows are read (converters, model columns, related populators): worked out by
    # Django for every query, here once (``_reader``)
    kept: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def find_slots(connection, params: Any, stand_ins: dict[str, Any],
                optional: frozenset[str] = frozenset()) -> tuple[_Slot, ...]:
    """Where each stand-in is among the compiled parameters. Refused: a stand-in that is
    not there (unless ``optional``), and a date or time that is not a stand-in -- a
    moment baked into SQL kept for days (``timezone.now()`` read by the build) would be
    wrong from the next request on: times are values."""
    slots, found = [], set()
    for position, param in enumerate(params):
        matched = False
        for name, stand_in in stand_ins.items():
            if isinstance(stand_in, dt.datetime) and not isinstance(param, dt.datetime):
                # a backend that sends datetimes as text (SQLite)
                if param == connection.ops.adapt_datetimefield_value(stand_in):
                    slots.append(_Slot(position, name, adapt_datetime=True))
                    found.add(name)
                    matched = True
            elif type(param) is type(stand_in) and param == stand_in:
                slots.append(_Slot(position, name, adapt_datetime=False))
                found.add(name)
                matched = True
        if not matched and (isinstance(param, dt.date | dt.time)
                            or (isinstance(param, str) and _looks_like_a_moment(param))):
            raise NotCompilable(f"compiled query: the date or time {param!r} is not one of the "
                             "values (pass it as a value: a compiled query outlives the "
                             "request)")
    missing = set(stand_ins) - found - optional
    if missing:
        raise NotCompilable(f"compiled query: {sorted(missing)} not among the SQL's parameters "
                         "(use each value as a plain filter value)")
    return tuple(slots)


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
                     r"([+-]\d{2}:?\d{2}|Z)?")


def _looks_like_a_moment(text: str) -> bool:
    """A date or datetime as a backend that sends them as text (SQLite) writes it."""
    return len(text) <= 40 and _MOMENT.fullmatch(text) is not None


def _compile_queryset(queryset: QuerySet, alias: str, stand_ins: dict[str, Any],
                      optional: frozenset[str] = frozenset()) -> _Compiled:
    if queryset._iterable_class not in (ModelIterable, ValuesListIterable,
                                        FlatValuesListIterable):
        raise TypeError("compiled query: model instances or values_list(), not "
                        f"{queryset._iterable_class.__name__}")
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        raise NotCompilable("compiled query: a queryset that is always empty") from None
    slots = find_slots(connections[alias], params, stand_ins, optional)
    return _Compiled(compiler, sql, tuple(params), slots,
                     values=queryset._iterable_class is not ModelIterable,
                     flat=queryset._iterable_class is FlatValuesListIterable)


def _params(entry: _Compiled, kinds: dict[str, type], values: dict[str, Any]) -> list[Any]:
    if set(values) != set(kinds):
        raise TypeError(f"compiled query: values {sorted(kinds)} expected, "
                        f"got {sorted(values)}")
    params = list(entry.params)
    ops = entry.compiler.connection.ops
    for slot in entry.slots:
        value = values[slot.name]
        if not isinstance(value, kinds[slot.name]):
            raise TypeError(f"compiled query: {slot.name} must be "
                            f"{kinds[slot.name].__name__}, not {type(value).__name__}")
        params[slot.position] = (ops.adapt_datetimefield_value(value)
                                 if slot.adapt_datetime else value)
    return params


def _reader(entry: _Compiled) -> dict[str, Any]:
    """What ``results_iter`` and ``ModelIterable`` work out before reading rows -- the
    columns' converters, the model's columns, the related populators -- once per compiled
    query (the same SQL always has the same columns)."""
    kept = entry.kept
    if not kept:
        compiler = entry.compiler
        fields = [s[0] for s in compiler.select[0:compiler.col_count]]
        kept["converters"] = compiler.get_converters(fields)
        kept["composite"] = compiler.has_composite_fields(fields)
        kept["fields"] = fields
        if not entry.values:
            klass_info, select = compiler.klass_info, compiler.select
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            kept["model"] = klass_info["model"]
            kept["span"] = (start, end)
            kept["init_list"] = [f[0].target.attname for f in select[start:end]]
            kept["populators"] = get_related_populators(klass_info, select, compiler.using)
            kept["annotations"] = tuple((compiler.annotation_col_map or {}).items())
    return kept


def _rows(entry: _Compiled, params: list[Any]) -> list[Any]:
    """The rows of a compiled queryset, as the queryset gives them."""
    compiler = entry.compiler
    alias = compiler.using
    # the SQL never changes: on PostgreSQL it is prepared once per connection, so later
    # runs skip parsing and planning (~0.2 ms of a lookup's 0.45 ms, bench/pages_bench.py)
    with prepared_cursor(connections[alias]) as cursor:
        cursor.execute(entry.sql, params)
        fetched = cursor.fetchall()
    reader = _reader(entry)
    rows: Any = fetched
    if reader["converters"]:
        rows = compiler.apply_converters(rows, reader["converters"])
    if reader["composite"]:
        rows = compiler.composite_fields_to_tuples(rows, reader["fields"])
    rows = list(rows)
    if entry.values:
        return [row[0] for row in rows] if entry.flat else [tuple(row) for row in rows]
    model, (start, end) = reader["model"], reader["span"]
    init_list, populators = reader["init_list"], reader["populators"]
    annotations = reader["annotations"]
    objects = []
    for row in rows:
        obj = model.from_db(alias, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for attr, position in annotations:
            setattr(obj, attr, row[position])
        objects.append(obj)
    return objects


def prepared_rows(queryset: QuerySet) -> list[Any] | None:
    """The rows of ``queryset`` as iterating it gives them (model instances with their
    ``select_related`` objects and annotations, then its prefetches), its SQL run through
    ``prepared_cursor``: for a query built for each request whose SQL text repeats (the
    same shape with other values), so that PostgreSQL plans it once per connection, not
    on every run. Unlike ``CompiledQuery`` nothing is kept: the queryset is compiled each
    time and any value may be in it. None for what this does not read the way the
    queryset would (not model instances, related objects known to the queryset): iterate
    the queryset then."""
    if (queryset._iterable_class is not ModelIterable
            or queryset._known_related_objects):  # type: ignore[attr-defined]
        return None
    alias = queryset.db
    compiler = queryset.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    rows = _rows(_Compiled(compiler, sql, tuple(params), (), values=False, flat=False),
                 list(params))
    lookups = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
    if lookups and rows:
        prefetch_related_objects(rows, *lookups)
    return rows


class CompiledQuery:
    """A queryset built by ``build(**values)``, compiled once per process, thread and
    database; ``kinds`` names each value's type (``int``, ``str`` or ``datetime``)."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in _KINDS:
                raise TypeError(f"value {name!r}: an int, a str or a datetime, not {kind!r}")
        self.build = build
        self.kinds = kinds
        # per thread (a thread's connection is its own), gone with the thread: runserver
        # starts one per request
        self._local = threading.local()
        self._model: type[Model] | None = None

    def _compile(self, alias: str) -> _Compiled:
        stand_ins = {name: _stand_in(kind, i) for i, (name, kind) in enumerate(self.kinds.items())}
        return _compile_queryset(self.build(**stand_ins), alias, stand_ins)

    def compiled(self, using: str | None = None) -> _Compiled:
        """The compiled query for this thread and database (compiled on first use; the
        compiler keeps its thread's connection, so threads don't share one)."""
        if using is None:
            if self._model is None:
                self._model = self.build(**{n: _stand_in(k, i) for i, (n, k)
                                            in enumerate(self.kinds.items())}).model
            using = router.db_for_read(self._model)
        compiled = getattr(self._local, "by_alias", None)
        if compiled is None:
            compiled = self._local.by_alias = {}
        found = compiled.get(using)
        if found is None:
            found = compiled[using] = self._compile(using)
        return found

    def sql_with_params(self, using: str | None = None, **values: Any) -> tuple[str, list[Any]]:
        """The SQL and this run's parameters."""
        entry = self.compiled(using)
        return entry.sql, _params(entry, self.kinds, values)

    def all(self, using: str | None = None, **values: Any) -> list[Any]:
        """The rows as the queryset gives them: model instances, or a ``values_list``'s
        tuples (values, with ``flat=True``)."""
        entry = self.compiled(using)
        return _rows(entry, _params(entry, self.kinds, values))

    def first(self, using: str | None = None, **values: Any) -> Any | None:
        """The first row, or None (``build`` orders and limits as it needs)."""
        rows = self.all(using, **values)
        return rows[0] if rows else None


def set_prefetched(obj: Model, name: str, rows: list[Any]) -> None:
    """Give ``obj`` the rows of its related manager ``name`` read by a compiled query, as
    ``prefetch_related(name)`` would: ``obj.<name>.all()`` then costs no query."""
    queryset = getattr(obj, name).all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache = getattr(obj, "_prefetched_objects_cache", {})
    obj._prefetched_objects_cache = {**cache, name: queryset}  # type: ignore[attr-defined]


# -- queries whose SQL depends on who looks ----------------------------------------------

VIEWER_ID = -1_999_999_000       # the stand-ins of a ViewerQuery's community and viewer
_COMMUNITY_ID = -1_999_999_001


def stand_in_community(model: type[Model], pk: int = _COMMUNITY_ID) -> Model:
    """A community that gives its id and nothing else: reading any other field raises
    (a compiled query is run for every community; its SQL may carry the id only)."""
    obj = model.from_db(None, ["id"], [pk])

    def refuse(*args: Any, fields: Any = None, **kwargs: Any) -> None:
        raise NotCompilable(f"compiled query: the community's {sorted(fields or [])} read "
                        "while building it; only its id is a value")

    obj.refresh_from_db = refuse  # type: ignore[method-assign]
    return obj


class Viewer:
    """Stands in for the person looking while a :class:`ViewerQuery` is built: gives a
    stand-in id (also as ``int(viewer)``, so it filters like a user), and answers
    ``is_authenticated``, ``is_superuser``, ``has_perm`` and the person's roles in the
    community (``accounts.access.community_roles``) as the real person does, writing
    down each question and answer (the *probes*); anything else raises."""

    # no __dict__: a helper keeping something on the user object (``user.__dict__``)
    # would keep it for every viewer
    __slots__ = ("_user", "_community", "_stand_in", "probes", "missed", "answering")

    def __init__(self, user: Any, community: Any, stand_in: Any) -> None:
        self._user, self._community, self._stand_in = user, community, stand_in
        self.probes: list[tuple[tuple[str, ...], Any]] = []
        self.missed: list[str] = []
        self.answering = False

    def _ask(self, probe: tuple[str, ...]) -> Any:
        self.answering = True  # the real person's answer may read their access rows
        try:
            answer = _answer(probe, self._user, self._community)
        finally:
            self.answering = False
        self.probes.append((probe, answer))
        return answer

    def __int__(self) -> int:
        if not self._ask(("auth",)):
            raise NotCompilable("compiled query: an anonymous viewer has no id")
        return VIEWER_ID

    @property
    def is_superuser(self) -> bool:
        return bool(self._ask(("superuser",)))

    def roles_in(self, community: Any) -> frozenset[str]:
        """The person's roles in the community (``community_roles``)."""
        if community is not self._stand_in:
            raise NotCompilable("compiled query: roles in the community only")
        return self._ask(("roles",))

    @property
    def is_authenticated(self) -> bool:
        return bool(self._ask(("auth",)))

    @property
    def is_anonymous(self) -> bool:
        return not self._ask(("auth",))

    @property
    def pk(self) -> int | None:
        return VIEWER_ID if self._ask(("auth",)) else None

    id = pk

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if obj is None:
            return bool(self._ask(("perm", perm, "")))
        if obj is not self._stand_in:
            raise NotCompilable("compiled query: has_perm() on the community only, "
                            f"not on {type(obj).__name__}")
        return bool(self._ask(("perm", perm, "community")))

    def __getattr__(self, name: str) -> Any:
        # Django asks a filter's value whether it is an expression or a model; anything
        # else is something the build wanted to know about the person and did not ask:
        # the build is not kept (``missed``), even if the caller takes the default
        if name not in _ASKED_OF_VALUES:
            self.missed.append(name)
        raise AttributeError(f"compiled query: the viewer's {name!r} read while building "
                             "it (only is_authenticated, has_perm, the roles and the id are "
                             "known)")


_ASKED_OF_VALUES = frozenset({"resolve_expression", "_meta", "get_compiler", "as_sql",
                              "__clause_element__", "_prefetch_related_lookups", "__iter__",
                              "get_source_expressions", "__len__", "__html__"})


@contextmanager
def building(viewer: Viewer, aliases: Iterable[str]) -> Iterator[None]:
    """Build for ``viewer``: a query run meanwhile (but for the real person's answers)
    read something that the kept SQL would carry for everyone -- refused; so is anything
    the build read of the viewer without asking."""

    def refuse(execute, sql, params, many, context):
        if not viewer.answering:
            raise NotCompilable(f"compiled query: the build ran a query ({sql[:80]}...)")
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for alias in aliases:
            stack.enter_context(connections[alias].execute_wrapper(refuse))
        try:
            yield
        except NotCompilable:
            raise
        except Exception as exc:
            # whatever went wrong with the stand-ins (a helper that wanted more of the
            # person or the community): not kept; the request builds it with the real
            # ones, which raises again if the fault is the build's own
            raise NotCompilable(f"compiled query: the build failed with the stand-ins "
                                f"({type(exc).__name__}: {exc})") from exc
    if viewer.missed:
        raise NotCompilable(f"compiled query: the viewer's {sorted(set(viewer.missed))} read "
                            "while building it")


def _answer(probe: tuple[str, ...], user: Any, community: Any) -> Any:
    if probe[0] == "auth":
        return bool(user.is_authenticated)
    if probe[0] == "superuser":
        return bool(getattr(user, "is_superuser", False))
    if probe[0] == "roles":
        from gongzhi.accounts.access import community_roles

        return community_roles(user, community)
    if probe[2] == "community":
        return bool(user.has_perm(probe[1], community))
    return bool(user.has_perm(probe[1]))


_PER_REQUEST = object()  # a build that cannot be kept: built for each request


class ByAnswers:
    """What was built for each set of answers a viewer gave (per thread, per key): a
    build that asked a :class:`Viewer` questions is reused for anyone who gives the same
    answers to the same questions.

    At most ``limit`` builds are kept per thread; past that a new one is not kept (it is
    built for its request, as without compiling). Keys come from the code, but a shape
    may come from a request (the feed API's ``limit``, 1-100, is part of the feed's key):
    the limit keeps what a stream of odd requests can make a process hold (a feed
    source's SQL is about 7 KB)."""

    def __init__(self, limit: int = 1000) -> None:
        self._local = threading.local()
        self.limit = limit

    def _entries(self, key: tuple) -> list[tuple[tuple[tuple[tuple[str, ...], Any], ...], Any]]:
        by_key = getattr(self._local, "by_key", None)
        if by_key is None:
            by_key = self._local.by_key = {}
            self._local.kept = 0
        return by_key.get(key, [])

    def kept(self) -> int:
        """How many builds this thread keeps."""
        return getattr(self._local, "kept", 0)

    def find(self, key: tuple, user: Any, community: Any) -> Any | None:
        answers: dict[tuple[str, ...], Any] = {}
        for probes, built in self._entries(key):
            for probe, expected in probes:
                if probe not in answers:
                    answers[probe] = _answer(probe, user, community)
                if answers[probe] != expected:
                    break
            else:
                return built
        return None

    def add(self, key: tuple, viewer: Viewer, built: Any) -> None:
        self._entries(key)
        if self._local.kept >= self.limit:
            return
        self._local.by_key.setdefault(key, []).append(
            (tuple(dict.fromkeys(viewer.probes)), built))
        self._local.kept += 1


class ViewerQuery:
    """A queryset whose SQL depends on the person looking (a resident does not see hidden
    reports, a worker does): ``build(community, viewer, *shape, **values)`` reads through
    the app's selectors as it would for a request, with a community that gives only its
    id (:func:`stand_in_community`) and a :class:`Viewer`.

    The questions the build asked the viewer and their answers are kept with the SQL.
    Another person (in any community) who gives the same answers to those questions makes
    the build take the same path -- it learns nothing else about them -- so the same SQL
    serves them with their own ids and values; a person who answers differently gets the
    SQL built for their answers. ``shape`` (hashable: a limit, a choice of columns) and the
    active language are part of the key. Times must be values: a date or time in the SQL
    that is not one is refused (``find_slots``), but a number derived from one (the year)
    cannot be told from a constant, so a build must not read the clock at all."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in _KINDS:
                raise TypeError(f"value {name!r}: an int, a str or a datetime, not {kind!r}")
        self.build = build
        self.kinds = {"community": int, "viewer": int, **kinds}
        self._built = ByAnswers()
        self._model: type[Model] | None = None

    def compiled(self, community: Any, user: Any, *shape: Any,
                 using: str | None = None) -> _Compiled | None:
        """The SQL built for this kind of viewer, or None when the build cannot be kept
        (:class:`NotCompilable`: the queryset is then built for each request)."""
        from django.utils import translation

        if using is None:
            if self._model is None:
                self._model = self.build(community, user, *shape, **{
                    name: _stand_in(kind, i) for i, (name, kind)
                    in enumerate(self.kinds.items())
                    if name not in ("community", "viewer")}).model
            using = router.db_for_read(self._model)
        key = (using, translation.get_language(), shape)
        found = self._built.find(key, user, community)
        if found is None:
            stand_ins = {name: _stand_in(kind, i) for i, (name, kind)
                         in enumerate(self.kinds.items()) if name not in ("community", "viewer")}
            fake = stand_in_community(type(community))
            viewer = Viewer(user, community, fake)
            try:
                with building(viewer, connections):
                    queryset = self.build(fake, viewer, *shape, **stand_ins)
                # any value may be left out: a shape may not need it (no building,
                # no unit); a stand-in is in every field's range, so the ORM does not
                # drop one it was given
                found = _compile_queryset(queryset, using,
                                          {"community": _COMMUNITY_ID, "viewer": VIEWER_ID,
                                           **stand_ins},
                                          optional=frozenset(self.kinds))
            except NotCompilable:
                found = _PER_REQUEST
            self._built.add(key, viewer, found)
        return None if found is _PER_REQUEST else cast(_Compiled, found)

    def all(self, community: Any, user: Any, *shape: Any, using: str | None = None,
            **values: Any) -> list[Any]:
        """The rows ``build`` would give for this community and person."""
        entry = self.compiled(community, user, *shape, using=using)
        if entry is None:
            queryset = self.build(community, user, *shape, **values)
            return list(queryset.using(using) if using else queryset)
        user_id = user.pk if user.is_authenticated else 0
        return _rows(entry, _params(entry, self.kinds,
                                    {"community": community.pk, "viewer": user_id, **values}))
