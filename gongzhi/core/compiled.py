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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

_KINDS = (int, str, dt.datetime)


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
        connection = connections[alias]
        stand_ins = {name: _stand_in(kind, i) for i, (name, kind) in enumerate(self.kinds.items())}
        queryset = self.build(**stand_ins)
        if queryset._iterable_class not in (ModelIterable, ValuesListIterable,
                                            FlatValuesListIterable):
            raise TypeError("compiled query: model instances or values_list(), not "
                            f"{queryset._iterable_class.__name__}")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots, found = [], set()
        for position, param in enumerate(params):
            for name, stand_in in stand_ins.items():
                if isinstance(stand_in, dt.datetime) and not isinstance(param, dt.datetime):
                    # a backend that sends datetimes as text (SQLite)
                    if param == connection.ops.adapt_datetimefield_value(stand_in):
                        slots.append(_Slot(position, name, adapt_datetime=True))
                        found.add(name)
                elif type(param) is type(stand_in) and param == stand_in:
                    slots.append(_Slot(position, name, adapt_datetime=False))
                    found.add(name)
        missing = set(stand_ins) - found
        if missing:
            raise ValueError(f"compiled query: {sorted(missing)} not among the SQL's parameters "
                             "(use each value as a plain filter value)")
        return _Compiled(compiler, sql, tuple(params), tuple(slots),
                         values=queryset._iterable_class is not ModelIterable,
                         flat=queryset._iterable_class is FlatValuesListIterable)

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
        if set(values) != set(self.kinds):
            raise TypeError(f"compiled query: values {sorted(self.kinds)} expected, "
                            f"got {sorted(values)}")
        params = list(entry.params)
        ops = entry.compiler.connection.ops
        for slot in entry.slots:
            value = values[slot.name]
            if not isinstance(value, self.kinds[slot.name]):
                raise TypeError(f"compiled query: {slot.name} must be "
                                f"{self.kinds[slot.name].__name__}, not {type(value).__name__}")
            params[slot.position] = (ops.adapt_datetimefield_value(value)
                                     if slot.adapt_datetime else value)
        return entry.sql, params

    def all(self, using: str | None = None, **values: Any) -> list[Any]:
        """The rows as the queryset gives them: model instances, or a ``values_list``'s
        tuples (values, with ``flat=True``)."""
        sql, params = self.sql_with_params(using, **values)
        entry = self.compiled(using)
        compiler = entry.compiler
        alias = compiler.using
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        rows = list(compiler.results_iter(results=[fetched]))
        if entry.values:
            return [row[0] for row in rows] if entry.flat else [tuple(row) for row in rows]
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, alias)
        model = klass_info["model"]
        objects = []
        for row in rows:
            obj = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for attr, position in (compiler.annotation_col_map or {}).items():
                setattr(obj, attr, row[position])
            objects.append(obj)
        return objects

    def first(self, using: str | None = None, **values: Any) -> Any | None:
        """The first row, or None (``build`` orders and limits as it needs)."""
        rows = self.all(using, **values)
        return rows[0] if rows else None
