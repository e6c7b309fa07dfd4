"""SQL functions for querysets that neither Django nor both databases give as one.

``IsoUtc`` exists for the answers that list thousands of rows with a time each (the map
layers): reading a ``timestamptz`` into a ``datetime`` costs the driver and Django's
time-zone converter about 12 µs a row here, and turning it back into text another 4 µs,
a third of the reports layer's 1,057 features (``bench/pages_bench.py``). The database
writes the text itself instead, the very text Python's ``isoformat()`` gives for the time
in UTC — ``core/tests/test_functions.py`` compares the two on both databases.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Func


class IsoUtc(Func):
    """A datetime column as ``datetime.isoformat()`` of its UTC value: ``2026-12-03T05:06:07
    .123456+00:00``, without the fraction when it is zero, as Python writes it."""

    output_field = CharField()
    arity = 1

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        # to_char knows no "fraction only when not zero"; '.000000' can stand nowhere else
        return (f"replace(to_char(({sql}) AT TIME ZONE 'UTC', "
                f"'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || '+00:00'", params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        # Django stores a datetime on SQLite as str() of its naive UTC value
        # ('YYYY-MM-DD HH:MM:SS[.ffffff]'): isoformat() is the same with a T and the offset
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(replace({sql}, ' ', 'T') || '+00:00')", params

    def as_sql(self, compiler: Any, connection: Any, *args: Any,
               **extra: Any) -> tuple[str, list]:
        raise NotImplementedError(f"IsoUtc on {connection.vendor}")
