from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections, router
from django.db.models import Count, Prefetch, Q, QuerySet

from gongzhi.accounts.models import ApiToken, Membership, RoleAssignment, User
from gongzhi.core.db import prepared_cursor
from gongzhi.places.models import Community, Household


def memberships_for_review(*, community: Community, status: str) -> QuerySet[Membership]:
    return (Membership.objects.filter(community=community, status=status)
            .select_related("user", "household__building", "household__unit", "decided_by")
            .order_by("created_at"))


def membership_status_counts(*, community: Community) -> dict[str, int]:
    rows = (Membership.objects.filter(community=community).values("status")
            .annotate(n=Count("id")))
    return {r["status"]: r["n"] for r in rows}


def household_candidates(*, membership: Membership) -> list[Household]:
    """Ledger entries that match what the resident typed, best first, for the worker."""
    qs = (Household.objects.filter(community=membership.community)
          .select_related("building", "unit")
          .annotate(verified=Count("memberships", filter=Q(memberships__status="verified"))))
    exact = qs.filter(building__number=membership.claimed_building,
                      room=membership.claimed_room)
    if membership.claimed_unit:
        exact = exact.filter(unit__number=membership.claimed_unit)
    found: list[Household] = list(exact[:5])
    if not found:
        found = list(qs.filter(building__number=membership.claimed_building)
                     .filter(room__icontains=membership.claimed_room[-2:] or "-")[:10])
    return found


def community_people(*, community: Community, query: str = "", role: str = ""
                     ) -> QuerySet[User]:
    qs = User.objects.filter(
        Q(pk__in=Membership.objects.filter(community=community).values("user_id"))
        | Q(pk__in=RoleAssignment.objects.filter(community=community).values("user_id"))
    )
    if role:
        qs = qs.filter(pk__in=RoleAssignment.objects.filter(
            community=community, role=role).values("user_id"))
    query = query.strip()
    if query:
        qs = qs.filter(Q(display_name__icontains=query) | Q(real_name__icontains=query)
                       | Q(phone__endswith=query) | Q(email__icontains=query))
    return qs.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.filter(community=community),
                 to_attr="roles_here"),
        Prefetch("memberships", queryset=Membership.objects.filter(community=community)
                 .select_related("household__building", "household__unit"),
                 to_attr="membership_here"),
    ).order_by("display_name", "pk")


def memberships_matching_ledger(*, community: Community) -> list[Membership]:
    """Pending requests whose address was found in the ledger and whose stated tenure (if
    any) agrees with it: the ones a worker may approve together."""
    rows = (Membership.objects.filter(community=community, status=Membership.Status.PENDING,
                                      household__isnull=False)
            .select_related("user", "household__building", "household__unit")
            .order_by("created_at"))
    # household__isnull=False above: every row has its household.
    return [m for m in rows
            if not m.claimed_tenure or (m.household is not None
                                        and m.claimed_tenure == m.household.tenure)]


# --- API tokens ---------------------------------------------------------------------------
#
# Every API request looks its token up; through the ORM (select_related, three filters) the
# query costs more Python than the database needs to answer it. The statement and how to
# turn its rows into a User are built once per process and database alias.

_token_queries: dict[str, tuple[str, list[Any], list[str]]] = {}


def _token_query(alias: str) -> tuple[str, list[Any], list[str]]:
    if alias not in _token_queries:
        connection = connections[alias]
        qn = connection.ops.quote_name
        fields = list(User._meta.concrete_fields)
        columns = ", ".join(f"u.{qn(f.column)}" for f in fields)
        sql = (f"SELECT t.id, t.last_used_at, {columns} "
               f"FROM {qn(ApiToken._meta.db_table)} t "
               f"JOIN {qn(User._meta.db_table)} u ON u.{qn(User._meta.pk.column)} = t.user_id "
               "WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.is_active LIMIT 1")
        cols = [ApiToken._meta.get_field("last_used_at").get_col("t")]
        cols += [f.get_col("u") for f in fields]
        # as the SQL compiler applies them: the backend's, then the field's
        converters = [(col, connection.ops.get_db_converters(col)
                       + col.get_db_converters(connection)) for col in cols]
        _token_queries[alias] = (sql, converters, [f.attname for f in fields])
    return _token_queries[alias]


def api_token_owner(token_hash: str) -> tuple[User, int, dt.datetime | None] | None:
    """The active user of a live (not revoked) token with this hash, the token's id and
    when it was last used; None if there is none. Same rows as
    ``ApiToken.objects.select_related("user").filter(token_hash=..., revoked_at=None,
    user__is_active=True)``, in one prepared-once statement."""
    alias = router.db_for_read(ApiToken)
    sql, converters, attnames = _token_query(alias)
    connection = connections[alias]
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, [token_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (col, convs) in zip(row[1:], converters, strict=True):
        for conv in convs:
            value = conv(value, col, connection)
        values.append(value)
    return User.from_db(alias, attnames, values[1:]), row[0], values[0]
