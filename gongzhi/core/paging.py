"""Pagination by an indexed page of ids, then the rows.

``Paginator(qs)`` on a list with joins and prefetches makes the database sort and walk the
joined rows up to the page's offset. ``id_page`` pages over the ids alone (an index-only
walk for the usual orders), then fetches that page's rows with all their joins, in order.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def id_page(qs: QuerySet[Any], number: Any, per_page: int) -> Page:
    """The page ``number`` (clamped like ``Paginator.get_page``) of ``qs``, rows in order."""
    # the joins and prefetches are for the rows only; the ids need none of them
    ids_qs = qs.select_related(None).prefetch_related(None).values_list("pk", flat=True)
    page = Paginator(ids_qs, per_page).get_page(number)
    ids = list(page.object_list)
    rows = {row.pk: row for row in qs.order_by().filter(pk__in=ids)} if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page
