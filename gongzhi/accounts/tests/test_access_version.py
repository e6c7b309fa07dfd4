"""Access rows kept between requests under ``User.access_version`` (accounts/access.py):
a change of any row the access query reads -- by a service, ``QuerySet.update`` or raw
SQL -- must show on the very next request in every process, including one that kept
the rows from before the change. "Another process" is simulated by putting the kept
rows back as they were before the change (``_other_process``): that process saw none
of it, only the database's version tells it. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections import OrderedDict
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts import access, services
from gongzhi.accounts.access import KEPT, community_roles, contact_orgs, mark_fresh, own_rows
from gongzhi.accounts.access_triggers import trigger_name
from gongzhi.accounts.models import Membership, Role, User
from gongzhi.notifications import services as notifications
from gongzhi.notifications.models import Notification
from gongzhi.notifications.selectors import UNREAD_KIND
from gongzhi.orgs.models import OrgMember
from gongzhi.projects.models import Proposal, TeamMember
from gongzhi.projects.selectors import OWN_HIDDEN_KIND
from gongzhi.projects.tests.factories import ProjectFactory, ProposalFactory
from gongzhi.testing.factories import OrganisationFactory

QUEUE = "/c/test-community/reports/queue/"


def _request_user(user: User) -> User:
    """The user as the next request's authentication hands it over (read with the
    session, access_version included, marked fresh)."""
    fresh = User.objects.get(pk=user.pk)
    mark_fresh(fresh)
    return fresh


@contextmanager
def _other_process():
    """On leaving: the kept rows are those from entering, as in a process that served
    the person before the change and saw nothing of it."""
    with KEPT._lock:
        before = OrderedDict(KEPT._rows)
    yield
    with KEPT._lock:
        KEPT._rows = before


def _version(user: User) -> int:
    return User.objects.values_list("access_version", flat=True).get(pk=user.pk)


def _access_queries(ctx) -> int:
    return sum("accounts_roleassignment" in q["sql"] for q in ctx.captured_queries)


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# ------------------------------------------------------------------ every source

def _trigger_sql(table: str) -> str:
    """The text of the access triggers on ``table`` (trigger and function bodies)."""
    name = trigger_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT string_agg(p.prosrc, ' ') FROM pg_trigger t "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = %s::regclass "
                "AND t.tgname LIKE %s AND t.tgenabled <> 'D'", [table, f"{name}%"])
        else:
            cursor.execute("SELECT group_concat(sql, ' ') FROM sqlite_master WHERE "
                           "type = 'trigger' AND tbl_name = %s AND name LIKE %s",
                           [table, f"{name}%"])
        return cursor.fetchone()[0] or ""


def _without_trigger() -> list:
    return [s for s in access.access_sources()
            if s.user_column not in _trigger_sql(s.table)]


@pytest.mark.django_db
def test_every_table_the_access_query_reads_bumps_the_version():
    sources = {s.table for s in access.access_sources()}
    assert {"accounts_roleassignment", "accounts_membership", "accounts_arearole",
            "orgs_orgmember", "orgs_organisation", "notifications_notification",
            "projects_teammember", "projects_proposal"} <= sources
    assert _without_trigger() == []
    # an app registering rows of a table without the triggers makes this test fail
    access.register_own_rows("z", "SELECT id, '' FROM spaces_space WHERE id = %s",
                             table="spaces_space", user_column="id")
    try:
        assert [s.table for s in _without_trigger()] == ["spaces_space"]
    finally:
        del access._OWN_ROWS["z"], access._OWN_SOURCES["z"]


# ------------------------------------------------------------------ one query a page

@pytest.mark.django_db
def test_a_signed_in_page_reads_the_access_rows_once_then_not_until_they_change(personas):
    client = personas.client("worker")
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUEUE).status_code == 200
    assert _access_queries(ctx) == 0
    services.role_grant(actor=personas.other_admin, user=personas.worker,
                        community=personas.other_community, role=Role.WORKER)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(QUEUE).status_code == 200
    assert _access_queries(ctx) == 1
    with CaptureQueriesContext(connection) as ctx:
        client.get(QUEUE)
    assert _access_queries(ctx) == 0


@pytest.mark.django_db
def test_two_clients_of_one_person_share_the_kept_rows_and_both_see_a_revoke(personas):
    first, second = personas.client("worker"), personas.client("worker")
    assert first.get(QUEUE).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert second.get(QUEUE).status_code == 200
    assert _access_queries(ctx) == 0
    with _other_process():
        services.role_revoke(actor=personas.admin, user=personas.worker,
                             community=personas.community, role=Role.WORKER)
    assert first.get(QUEUE).status_code == 403
    assert second.get(QUEUE).status_code == 403


# ------------------------------------------------------------------ attacks

@pytest.mark.django_db
def test_granted_and_revoked_role_in_another_process(personas):
    client = personas.client("owner")
    assert client.get(QUEUE).status_code == 403
    with _other_process():
        services.role_grant(actor=personas.admin, user=personas.owner,
                            community=personas.community, role=Role.WORKER)
    assert client.get(QUEUE).status_code == 200
    with _other_process():
        services.role_revoke(actor=personas.admin, user=personas.owner,
                             community=personas.community, role=Role.WORKER)
    assert client.get(QUEUE).status_code == 403


@pytest.mark.django_db
def test_role_revoked_by_raw_sql_in_another_process(personas):
    client = personas.client("worker")
    assert client.get(QUEUE).status_code == 200
    with _other_process():
        _raw("DELETE FROM accounts_roleassignment WHERE user_id = %s AND role = %s",
             [personas.worker.pk, Role.WORKER])
    assert client.get(QUEUE).status_code == 403
    with _other_process():
        _raw("INSERT INTO accounts_roleassignment (user_id, community_id, role, granted_at) "
             "VALUES (%s, %s, %s, %s)",
             [personas.worker.pk, personas.community.pk, Role.WORKER, timezone.now()])
    assert client.get(QUEUE).status_code == 200
    with _other_process():   # moved to another community by an UPDATE
        _raw("UPDATE accounts_roleassignment SET community_id = %s WHERE user_id = %s",
             [personas.other_community.pk, personas.worker.pk])
    assert client.get(QUEUE).status_code == 403


@pytest.mark.django_db
def test_leaving_the_community_in_another_process(personas):
    user = personas.owner
    assert Role.VERIFIED_RESIDENT in community_roles(_request_user(user), personas.community)
    with _other_process():
        Membership.objects.filter(user=user).update(status=Membership.Status.LEFT)
    fresh = _request_user(user)
    assert access._access(fresh)["status"][personas.community.pk] == Membership.Status.LEFT
    assert Role.RESIDENT not in community_roles(fresh, personas.community)
    with _other_process():   # the roles that came with the membership go too
        _raw("DELETE FROM accounts_roleassignment WHERE user_id = %s", [user.pk])
        Membership.objects.filter(user=user).delete()
    assert community_roles(_request_user(user), personas.community) == frozenset()
    assert personas.community.pk not in access._access(_request_user(user))["status"]


@pytest.mark.django_db
def test_organisation_deleted_or_moved_in_another_process(personas):
    user = personas.verified
    org = OrganisationFactory(community=personas.community)
    OrgMember.objects.create(organisation=org, user=user, is_contact=True)
    assert contact_orgs(_request_user(user)) == {org.pk: personas.community.pk}
    with _other_process():   # soft delete by an UPDATE of the organisation only
        _raw("UPDATE orgs_organisation SET deleted_at = %s WHERE id = %s",
             [timezone.now(), org.pk])
    assert contact_orgs(_request_user(user)) == {}
    with _other_process():
        _raw("UPDATE orgs_organisation SET deleted_at = NULL, community_id = %s "
             "WHERE id = %s", [personas.other_community.pk, org.pk])
    assert contact_orgs(_request_user(user)) == {org.pk: personas.other_community.pk}
    with _other_process():   # no longer a contact
        OrgMember.objects.filter(organisation=org, user=user).update(is_contact=False)
    assert contact_orgs(_request_user(user)) == {}
    assert access.org_memberships(_request_user(user)) == {org.pk: personas.other_community.pk}
    with _other_process():
        org.delete()
    assert access.org_memberships(_request_user(user)) == {}


def _badge(client) -> int:
    html = client.get("/c/test-community/reports/").content.decode()
    found = re.search(r'class="badge"[^>]*>(\d+)</span>', html)
    return int(found.group(1)) if found else 0


@pytest.mark.django_db
def test_notification_sent_read_and_deleted_in_another_process(personas):
    client = personas.client("owner")
    assert _badge(client) == 0
    with _other_process():
        notifications.notification_send(users=[personas.owner], kind="test", title="通知")
        notifications.notification_send(users=[personas.owner], kind="test", title="通知2")
    assert _badge(client) == 2
    one = Notification.objects.filter(user=personas.owner).order_by("pk").first()
    with _other_process():   # read by raw SQL
        _raw("UPDATE notifications_notification SET read_at = %s WHERE id = %s",
             [timezone.now(), one.pk])
    assert _badge(client) == 1
    with _other_process():
        Notification.objects.filter(user=personas.owner, read_at__isnull=True).delete()
    assert _badge(client) == 0


@pytest.mark.django_db
def test_team_role_and_own_hidden_proposal_in_another_process(personas):
    user = personas.owner
    project = ProjectFactory(community=personas.community)
    assert own_rows(_request_user(user), OWN_HIDDEN_KIND) == []
    with _other_process():
        TeamMember.objects.create(project=project, user=user, role="planner")
        draft = ProposalFactory(project=project, author=user,
                                visibility=Proposal.Visibility.PENDING)
    fresh = _request_user(user)
    assert own_rows(fresh, OWN_HIDDEN_KIND) == [(draft.pk, str(project.pk))]
    assert (project.pk, "planner") in own_rows(fresh, "t")
    with _other_process():
        Proposal.objects.filter(pk=draft.pk).update(visibility=Proposal.Visibility.VISIBLE)
        TeamMember.objects.filter(user=user).delete()
    fresh = _request_user(user)
    assert own_rows(fresh, OWN_HIDDEN_KIND) == [] and own_rows(fresh, "t") == []
    # a visible proposal's support count moving does not touch its author's version
    version = _version(user)
    Proposal.objects.filter(pk=draft.pk).update(support_count=7)
    assert _version(user) == version


@pytest.mark.django_db
def test_unread_count_follows_in_another_process(personas):
    user = personas.worker
    assert own_rows(_request_user(user), UNREAD_KIND) == [(0, "")]
    with _other_process():
        notifications.notification_send(users=[user], kind="test", title="通知")
    assert own_rows(_request_user(user), UNREAD_KIND) == [(1, "")]


# ------------------------------------------------------------------ the version itself

@pytest.mark.django_db
def test_a_rolled_back_grant_is_never_served_later(personas):
    """Rows read inside a transaction that is rolled back are kept under a version no
    committed state will ever have, even when later changes bump the version again."""
    user = personas.owner
    client = personas.client("owner")
    assert client.get(QUEUE).status_code == 403
    with pytest.raises(RuntimeError), transaction.atomic():
        services.role_grant(actor=personas.admin, user=user, community=personas.community,
                            role=Role.WORKER)
        assert client.get(QUEUE).status_code == 200   # kept under the uncommitted version
        raise RuntimeError("rolled back")
    assert client.get(QUEUE).status_code == 403
    for _ in range(3):  # whatever the next versions are, none is the rolled-back one
        notifications.notification_send(users=[user], kind="test", title="通知")
        assert client.get(QUEUE).status_code == 403


@pytest.mark.django_db
def test_a_stale_user_save_does_not_bring_an_old_version_back(personas):
    user = User.objects.get(pk=personas.owner.pk)        # holds the old version
    client = personas.client("owner")
    assert client.get(QUEUE).status_code == 403
    old = user.access_version
    services.role_grant(actor=personas.admin, user=personas.owner,
                        community=personas.community, role=Role.WORKER)
    assert _version(user) != old
    user.display_name = "改名"
    user.save()                                          # writes the old number back
    assert _version(user) != old
    assert client.get(QUEUE).status_code == 200
    # and a hand-written number is replaced by a fresh one too
    User.objects.filter(pk=user.pk).update(access_version=old)
    assert _version(user) != old


@pytest.mark.django_db
def test_new_users_get_fresh_versions_and_unrelated_writes_keep_them(personas):
    a, b = User.objects.create(username="a1"), User.objects.create(username="b1")
    assert _version(a) != _version(b)
    version = _version(personas.owner)
    User.objects.filter(pk=personas.owner.pk).update(display_name="别名",
                                                     last_login=timezone.now())
    assert _version(personas.owner) == version


@pytest.mark.django_db
def test_forget_roles_in_the_same_request_reads_the_database_again(personas):
    user = _request_user(personas.owner)
    assert Role.WORKER not in community_roles(user, personas.community)
    services.role_grant(actor=personas.admin, user=user, community=personas.community,
                        role=Role.WORKER)
    assert Role.WORKER in community_roles(user, personas.community)
