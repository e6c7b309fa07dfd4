"""The access-version triggers per statement on PostgreSQL (accounts/access_triggers.py,
``statement_sql``): a statement writing many rows bumps each person it touches once,
what bumps whom is the row-level rule, and two fan-outs to overlapping people at the
same time do not deadlock (both lock the user rows in id order)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.notifications import services as notifications
from gongzhi.notifications.models import Notification
from gongzhi.projects.models import Proposal
from gongzhi.projects.tests.factories import ProposalFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="statement-level triggers are PostgreSQL's")


def _people(n: int, tag: str) -> list[User]:
    User.objects.bulk_create([User(username=f"{tag}{i}") for i in range(n)])
    return list(User.objects.filter(username__startswith=tag).order_by("pk"))


def _versions(users) -> dict[int, int]:
    return dict(User.objects.filter(pk__in=[u.pk for u in users])
                .values_list("pk", "access_version"))


@pytest.mark.django_db
def test_the_triggers_are_per_statement_on_every_source():
    from gongzhi.accounts.access import access_sources

    # the organisation's trigger stays per row: one row, all its members in one UPDATE
    tables = sorted({s.table for s in access_sources()} - {"orgs_organisation"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text, tgtype & 1 = 1 FROM pg_trigger "
                       "WHERE tgname LIKE 'gz\\_access\\_%%' AND NOT tgisinternal "
                       "AND tgname NOT LIKE '%%truncate' AND tgrelid::regclass::text = ANY(%s)",
                       [tables])
        found = cursor.fetchall()
    assert sorted(table for table, per_row in found if per_row) == []
    assert sorted({table for table, _per_row in found}) == tables
    assert len(found) == 3 * len(tables)  # insert, update, delete


@pytest.mark.django_db
def test_a_fan_out_bumps_each_person_once_and_only_them():
    people = _people(40, "fan")
    bystander = _people(1, "by")[0]
    before = _versions(people + [bystander])
    notifications.notification_send(users=people + people[:5], kind="t", title="停水通知")
    after = _versions(people + [bystander])
    assert all(after[u.pk] != before[u.pk] for u in people)
    assert after[bystander.pk] == before[bystander.pk]
    # "mark all read" bumps once; reading an already read one bumps nobody
    person = people[0]
    notifications.notification_send(users=[person], kind="t", title="第二条")
    version = _versions([person])[person.pk]
    assert notifications.notification_mark_read(user=person) == 2
    assert _versions([person])[person.pk] != version
    version = _versions([person])[person.pk]
    Notification.objects.filter(user=person).update(read_at=timezone.now())
    assert _versions([person])[person.pk] == version


@pytest.mark.django_db
def test_an_update_bumps_old_and_new_person_and_ignores_irrelevant_columns(personas):
    author, other = personas.owner, personas.verified
    hidden = ProposalFactory(author=author, visibility=Proposal.Visibility.PENDING)
    v_author, v_other = _versions([author])[author.pk], _versions([other])[other.pk]
    Proposal.objects.filter(pk=hidden.pk).update(support_count=7)  # not a column read
    assert _versions([author])[author.pk] == v_author
    Proposal.objects.filter(pk=hidden.pk).update(author=other)
    assert _versions([author])[author.pk] != v_author
    assert _versions([other])[other.pk] != v_other
    v_other = _versions([other])[other.pk]
    Proposal.objects.filter(pk=hidden.pk).delete()
    assert _versions([other])[other.pk] != v_other


@pytest.mark.django_db(transaction=True)
def test_two_fan_outs_to_overlapping_people_do_not_deadlock():
    people = _people(3000, "dl")
    # the same 2,000 people in both, in opposite orders: locking the user rows in the
    # order of the inserted rows (as the row-level triggers did) deadlocks
    first, second = people[:2500], list(reversed(people[500:]))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def fan_out(users, title):
        # the rows as notification_send builds them, written at the same moment
        rows = [Notification(user=u, kind="t", title=title) for u in users]
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                Notification.objects.bulk_create(rows)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fan_out, args=(users, title))
               for users, title in ((first, "甲"), (second, "乙"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Notification.objects.filter(user__in=people).count() == 5000
    assert len(set(_versions(people[500:2500]).values())) == 2000  # all bumped, fresh


def _user_rows_updated() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables "
                       "WHERE relname = 'accounts_user'")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_mark_all_read_updates_the_person_once_not_once_per_notification():
    person = _people(1, "once")[0]
    for i in range(5):
        notifications.notification_send(users=[person], kind="t", title=f"第{i}条")
    before = _user_rows_updated()
    assert notifications.notification_mark_read(user=person) == 5
    assert _user_rows_updated() - before == 1  # was 5, one per notification
