"""Who holds which role where. Every permission check in Gongzhi goes through here.

A person's roles, memberships and area roles in every community are read in one query
over their own rows (``_access``) and kept on the user object for the rest of the
request, so a page that checks ten permissions, lists the person's communities and fills
the header's switcher costs one query, whatever the size of the communities. Other apps
add their own rows of the same person to that query (``register_own_rows``: the unread
badge, project-team roles, one's own hidden proposals).

Between requests the rows are kept in a bounded per-process table under (user id,
``User.access_version``), and the version comes with the session's user row, which every
signed-in request reads anyway: a page whose person's rows have not changed costs no
access query at all. Why that is correct, in every process at once:

- database triggers (``accounts/access_triggers.py``) change a person's version in the
  same transaction as any change of a row the access query reads for them, whatever
  made the change (service, admin, ``QuerySet.update``, raw SQL); the version's new
  value is one never handed out before (a PostgreSQL sequence; 64 random bits on
  SQLite), so a version names one state of the rows, even after a rollback;
- the rows are kept under the version read *in the same statement* as the rows (a
  ``UNION ALL`` branch of the access query): one statement sees one snapshot (READ
  COMMITTED on PostgreSQL gives each statement its own; SQLite's read is consistent
  too), so the version and the rows belong together -- rows read inside a transaction
  that changed them carry that transaction's own, never-reused version;
- a request looks the rows up under the version its session row brought, read at the
  start of the request: a role revoked and committed before the request began has
  changed that version, so the request misses the kept rows and reads them again. A
  process that never saw the change holds rows only under versions nobody reads again.

Only a user object marked as read by the request's authentication (``mark_fresh``) is
looked up; any other user object (loaded by a service, a task, a test) reads its rows
from the database, as before. ``forget_roles`` (called by whatever changes the rows in
the middle of a request) drops the request's copy and the lookup, so the rest of the
request reads the database again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import LazyObject, empty

from gongzhi.accounts.models import Membership, Role, RoleAssignment
from gongzhi.core.compiled import Viewer
from gongzhi.places.models import Community, Region

SUBDISTRICT_ADMIN = "subdistrict_admin"
PENDING_RESIDENT = "pending_resident"


def community_of(obj: Any) -> Community | None:
    """The community an object belongs to (the object itself if it is one)."""
    if obj is None:
        return None
    if isinstance(obj, Community):
        return obj
    community = getattr(obj, "community", None)
    if isinstance(community, Community):
        return community
    return None


def _unwrap(user):
    """The real User behind request.user's lazy wrapper, so views (which hold the wrapper)
    and has_perm (which gets the real object) share one cache."""
    if isinstance(user, LazyObject):
        wrapped = user.__dict__.get("_wrapped")
        if wrapped is not None and wrapped is not empty:
            return wrapped
    return user


_ACCESS_SQL = (
    "SELECT 'r', community_id, role FROM accounts_roleassignment WHERE user_id = %s "
    "UNION ALL SELECT 'm', community_id, status FROM accounts_membership WHERE user_id = %s "
    "UNION ALL SELECT 'a', region_id, role FROM accounts_arearole WHERE user_id = %s "
    # 'c': the person is a contact of the organisation, 'o': a plain member
    "UNION ALL SELECT CASE WHEN m.is_contact THEN 'c' ELSE 'o' END, o.id, "
    "CAST(o.community_id AS varchar) FROM orgs_orgmember m "
    "JOIN orgs_organisation o ON o.id = m.organisation_id "
    "WHERE m.user_id = %s AND o.deleted_at IS NULL "
    # 'v': the person's access version, in the same statement (same snapshot) as the rows
    "UNION ALL SELECT 'v', access_version, '' FROM accounts_user WHERE id = %s"
)
_BUILT_IN_PARAMS = 5


@dataclass(frozen=True)
class AccessSource:
    """A table the access query reads a person's rows from, and the column naming the
    person: each one must have the triggers of ``accounts.access_triggers`` (a test
    checks it for every source, the registered ones included)."""

    table: str
    user_column: str


_BUILT_IN_SOURCES = (
    AccessSource("accounts_roleassignment", "user_id"),
    AccessSource("accounts_membership", "user_id"),
    AccessSource("accounts_arearole", "user_id"),
    AccessSource("orgs_orgmember", "user_id"),
    # read through the join: deleted or moved, all its members (access_triggers.ORG_SQL)
    AccessSource("orgs_organisation", "user_id"),
)

# Other apps' rows of the same person, read in the same query (see ``register_own_rows``).
_OWN_ROWS: dict[str, str] = {}
_OWN_SOURCES: dict[str, AccessSource] = {}


def register_own_rows(kind: str, sql: str, *, table: str, user_column: str) -> None:
    """Let another app read the person's own rows with the access query of each request.

    ``sql`` is one SELECT of two columns (an integer, a text) with a single ``%s`` for the
    user id, over rows of that person only (an index on the user), e.g. notifications'
    unread count. Its rows come back from ``own_rows(user, kind)`` as (int, str) tuples,
    with no query once the request's access rows are read. Kinds are one letter, not one
    of r, m, a, o, c, v.

    ``table`` and ``user_column`` say where the rows are and which column names the
    person: the rows are kept between requests under the person's access version, so
    the app's migration must give ``table`` the triggers that bump it
    (``accounts.access_triggers.source_operation(table, user_column, ...)``);
    ``gongzhi/accounts/tests/test_access_version.py`` fails for a registered table
    without them. Whatever changes those rows inside a request calls
    ``forget_roles(user)`` so the rest of the request reads them again.
    """
    if len(kind) != 1 or kind in "rmaocv":
        raise ValueError(f"own-rows kind {kind!r} must be one new letter")
    _OWN_ROWS[kind] = sql
    _OWN_SOURCES[kind] = AccessSource(table, user_column)


def access_sources() -> list[AccessSource]:
    """Every table the access query reads (built in and registered)."""
    return [*_BUILT_IN_SOURCES, *_OWN_SOURCES.values()]


class _KeptRows:
    """Access rows between requests: {user id: (version, rows)}, least recently used
    dropped past ``size``. Per process (threads share it under a lock); see the module
    for why a version read from the database with each request makes it correct."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._rows: OrderedDict[int, tuple[int, tuple]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user_id: int, version: int) -> tuple | None:
        with self._lock:
            found = self._rows.get(user_id)
            if found is None or found[0] != version:
                return None
            self._rows.move_to_end(user_id)
            return found[1]

    def put(self, user_id: int, version: int, rows: tuple) -> None:
        with self._lock:
            self._rows[user_id] = (version, rows)
            self._rows.move_to_end(user_id)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def __len__(self) -> int:
        return len(self._rows)


KEPT = _KeptRows()
_FRESH = "_gz_access_version_fresh"


def mark_fresh(user) -> None:
    """Say that ``user`` was read from the database by this request's authentication, so
    its ``access_version`` may look up rows kept from earlier requests."""
    if user is not None and "access_version" in user.__dict__:
        user.__dict__[_FRESH] = True


def _read_rows(user) -> tuple:
    """The person's rows from the database (one query), kept under the version read with
    them."""
    from django.db import connections, router

    sql = _ACCESS_SQL + "".join(
        f" UNION ALL SELECT '{kind}', q{kind}.* FROM ({extra}) q{kind}"
        for kind, extra in _OWN_ROWS.items())
    with connections[router.db_for_read(RoleAssignment)].cursor() as cursor:
        cursor.execute(sql, [user.pk] * (_BUILT_IN_PARAMS + len(_OWN_ROWS)))
        rows = tuple(tuple(row) for row in cursor.fetchall())
    version = next((int(key) for kind, key, _v in rows if kind == "v"), None)
    if version is not None:
        KEPT.put(user.pk, version, rows)
    return rows


def _rows(user) -> tuple:
    version = user.__dict__.get("access_version")
    if user.__dict__.get(_FRESH) and version is not None:
        kept = KEPT.get(user.pk, version)
        if kept is not None:
            return kept
    return _read_rows(user)


def _access(user) -> dict[str, Any]:
    """Everything the person holds, from ONE query over their own rows (its cost grows
    with the person's roles, never with the size of their communities) or none when the
    rows are kept under the request's access version, kept on the user object for the
    rest of the request: ``assigned`` {community id: {role}}, ``status``
    {community id: membership status}, ``regions`` (area-role region ids), ``orgs``
    {organisation id: community id} (organisations the person is a member of, not
    deleted), ``contacts`` (the same for those where the person is a contact), ``own``
    {kind: [(int, str)]} (the rows other apps registered, ``register_own_rows``)."""
    user = _unwrap(user)
    cached = user.__dict__.get("_gz_access")
    if cached is not None:
        return cached
    assigned: dict[int, set[str]] = {}
    status: dict[int, str] = {}
    regions: set[int] = set()
    orgs: dict[int, int] = {}
    contacts: dict[int, int] = {}
    own: dict[str, list[tuple[int, str]]] = {kind: [] for kind in _OWN_ROWS}
    for kind, key, value in _rows(user):
        if kind == "r":
            assigned.setdefault(key, set()).add(value)
        elif kind == "m":
            status[key] = value
        elif kind == "a":
            regions.add(key)
        elif kind in ("o", "c"):
            orgs[key] = int(value)
            if kind == "c":
                contacts[key] = int(value)
        elif kind in own:
            own[kind].append((int(key), "" if value is None else str(value)))
    cached = {"assigned": assigned, "status": status, "regions": frozenset(regions),
              "orgs": orgs, "contacts": contacts, "own": own}
    user.__dict__["_gz_access"] = cached
    return cached


def _area_regions(user) -> frozenset[int]:
    return _access(user)["regions"]


def org_memberships(user) -> dict[int, int]:
    """{organisation id: community id} of the organisations ``user`` is a member of."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return _access(user)["orgs"]


def contact_orgs(user) -> dict[int, int]:
    """{organisation id: community id} of the organisations where ``user`` is a contact."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return _access(user)["contacts"]


def own_rows(user, kind: str) -> list[tuple[int, str]]:
    """The rows registered under ``kind`` (``register_own_rows``) for ``user``."""
    if not getattr(user, "is_authenticated", False):
        return []
    return _access(user)["own"].get(kind, [])


def has_area_roles(user) -> bool:
    """Whether ``user`` holds a role over a whole region (subdistrict or district admin)."""
    return user.is_authenticated and bool(_area_regions(user))


def _own_roles(user, community_id: int) -> set[str]:
    """Assigned roles plus those a membership gives, without area roles."""
    access = _access(user)
    roles = set(access["assigned"].get(community_id, ()))
    status = access["status"].get(community_id)
    if status == Membership.Status.VERIFIED:
        roles.update({Role.RESIDENT, Role.VERIFIED_RESIDENT})
    elif status == Membership.Status.PENDING:
        roles.update({Role.RESIDENT, PENDING_RESIDENT})
    return roles


def _region_chain(community: Community) -> set[int]:
    ids: set[int] = set()
    region: Region | None = community.subdistrict
    while region is not None:
        ids.add(region.pk)
        region = region.parent
    return ids


def community_roles(user, community: Community | None) -> frozenset[str]:
    """The set of role codes ``user`` holds in ``community`` (empty for anonymous)."""
    if community is None or user is None or not user.is_authenticated:
        return frozenset()
    if isinstance(user, Viewer):  # a compiled query being built: asked of the real person
        return user.roles_in(community)
    user = _unwrap(user)
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_gz_roles", {})
    if community.pk in cache:
        return cache[community.pk]
    roles = _own_roles(user, community.pk)
    area = _area_regions(user)
    if area and area & _region_chain(community):
        roles.add(SUBDISTRICT_ADMIN)
    result = frozenset(str(r) for r in roles)
    cache[community.pk] = result
    return result


def forget_roles(user) -> None:
    """Drop cached roles after a change made in the same request."""
    user = _unwrap(user)
    user.__dict__.pop("_gz_roles", None)
    user.__dict__.pop("_gz_access", None)
    # the request's version is older than the change: read the database from now on
    user.__dict__.pop(_FRESH, None)
    for kept in ("_gz_membership", "_gz_news_place", "_gz_news_orgs"):
        user.__dict__.pop(kept, None)


def managed_communities(user) -> QuerySet[Community]:
    """Communities where ``user`` may act as staff: worker, admin, or area admin above them."""
    if not user.is_authenticated:
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    user = _unwrap(user)
    access = _access(user)
    staff = sorted(pk for pk, roles in access["assigned"].items()
                   if roles & {Role.WORKER, Role.ADMIN})
    regions = sorted(access["regions"])
    q = Q(pk__in=staff)
    if regions:
        q |= (Q(subdistrict_id__in=regions) | Q(subdistrict__parent_id__in=regions)
              | Q(subdistrict__parent__parent_id__in=regions))
    return Community.objects.filter(q)


def member_communities(user) -> QuerySet[Community]:
    if not user.is_authenticated:
        return Community.objects.none()
    # The ids come from the person's own rows (one query per request, see _access), not
    # from a join of memberships x role assignments whose cost grew with the community.
    return Community.objects.filter(pk__in=member_community_ids(user))


def membership_statuses(user) -> dict[int, str]:
    """{community id: membership status} of ``user`` (no query once the request's access
    rows are read)."""
    if not user.is_authenticated:
        return {}
    return _access(_unwrap(user))["status"]


def member_community_ids(user) -> list[int]:
    """Ids of the communities where ``user`` has a membership or a role (no query once
    the request's access rows are read)."""
    if not user.is_authenticated:
        return []
    access = _access(_unwrap(user))
    return sorted(set(access["status"]) | set(access["assigned"]))


def roles_by_community(user, communities: list[Community]) -> dict[int, frozenset[str]]:
    """``community_roles`` for many communities (no query beyond ``_access``, one more for
    area roles)."""
    user = _unwrap(user)
    if not user.is_authenticated or not communities:
        return {c.pk: frozenset() for c in communities}
    ids = [c.pk for c in communities]
    roles: dict[int, set[str]] = {pk: _own_roles(user, pk) for pk in ids}
    regions = _area_regions(user)
    if regions:
        covered = Community.objects.filter(pk__in=ids).filter(
            Q(subdistrict_id__in=regions) | Q(subdistrict__parent_id__in=regions)
            | Q(subdistrict__parent__parent_id__in=regions)).values_list("pk", flat=True)
        for community_id in covered:
            roles[community_id].add(SUBDISTRICT_ADMIN)
    result = {pk: frozenset(str(r) for r in found) for pk, found in roles.items()}
    user.__dict__.setdefault("_gz_roles", {}).update(result)
    return result
