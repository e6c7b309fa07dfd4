"""Pagination by an indexed page of ids, then the rows.

``Paginator(qs)`` on a list with joins and prefetches makes the database sort and walk the
joined rows up to the page's offset. ``id_page`` pages over the ids alone (an index-only
walk for the usual orders), then fetches that page's rows with all their joins, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from gongzhi.core.compiled import prepared_rows


def id_page(qs: QuerySet[Any], number: Any, per_page: int,
            rows: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None) -> Page:
    """The page ``number`` (clamped like ``Paginator.get_page``) of ``qs``, rows in order.

    Annotations on ``qs`` stay in the ids query (an order may need them). What only the
    rows show -- a ``Count`` over a join, say -- goes in ``rows``, applied to the page's
    rows alone, so its cost is one page's, not the whole list's (``reports`` does that).
    """
    # the joins and prefetches are for the rows only; the ids need none of them
    ids_qs = qs.select_related(None).prefetch_related(None).values_list("pk", flat=True)
    page = Paginator(ids_qs, per_page).get_page(number)
    ids = list(page.object_list)
    rows_by_pk = {row.pk: row for row in _page_rows(qs, ids, per_page, rows)} if ids else {}
    page.object_list = [rows_by_pk[pk] for pk in ids if pk in rows_by_pk]
    return page


def _page_rows(qs: QuerySet[Any], ids: list[Any], per_page: int,
               rows: Callable[[QuerySet[Any]], QuerySet[Any]] | None) -> Iterable[Any]:
    # The ids are padded to the page size with the last one, so that the rows' SQL has the
    # same text on every page and is planned once per connection (core.compiled
    # .prepared_rows): with its joins PostgreSQL spent 1.3-3.4 ms planning a query it ran
    # in 0.5-0.7 ms (the proposal list on city1). A repeated id in IN matches nothing more.
    padded = ids + [ids[-1]] * (per_page - len(ids))  # ids: one page, never empty here
    row_qs = qs.order_by().filter(pk__in=padded)
    if rows is not None:
        row_qs = rows(row_qs)
    found = prepared_rows(row_qs)
    return row_qs if found is None else found
