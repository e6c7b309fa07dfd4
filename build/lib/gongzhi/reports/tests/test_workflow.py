"""The transition table: every legal step works and writes a public timeline entry and
notifications; every illegal one is refused; the timeline is append-only."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongzhi.core.models import AppendOnlyError, AuditEntry
from gongzhi.notifications.models import Notification
from gongzhi.reports import services
from gongzhi.reports.models import EventKind, ReportEvent, Status
from gongzhi.reports.workflow import TRANSITIONS

LEGAL = [(action, source) for action, t in TRANSITIONS.items() if t.perm
         for source in sorted(t.sources)]
ILLEGAL = [(action, source) for action, t in TRANSITIONS.items() if t.perm
           for source in Status.values if source not in t.sources]


def _actor(action, report, personas):
    return report.reporter if action in ("confirm", "reopen") else personas.worker


def _kwargs(action, org, other_org):
    return {"accept": {"organisation": org}, "assign": {"organisation": other_org},
            "refuse": {"note": "不在本社区范围"}, "resolve": {"note": "已修好"},
            "reopen": {"note": "还是坏的"}}.get(action, {})


@pytest.mark.parametrize(("action", "source"), LEGAL)
def test_each_legal_transition(action, source, personas, org, other_org, make_report, move):
    report = move(make_report(), source)
    events_before = report.events.count()
    moved = services.report_transition(actor=_actor(action, report, personas), report=report,
                                       action=action, **_kwargs(action, org, other_org))
    target = TRANSITIONS[action].target or source
    moved.refresh_from_db()
    assert moved.status == target
    event = moved.events.order_by("-id").first()
    assert moved.events.count() == events_before + 1
    assert event.kind == TRANSITIONS[action].event and event.is_public
    assert (event.from_status, event.to_status) == (source, target)
    assert AuditEntry.objects.filter(action=f"report.{action}", target_id=str(report.pk)).exists()


@pytest.mark.parametrize(("action", "source"), ILLEGAL)
def test_each_illegal_transition_is_refused(action, source, personas, org, other_org,
                                            make_report, move):
    report = move(make_report(), source)
    with pytest.raises(ValidationError) as exc:
        services.report_transition(actor=_actor(action, report, personas), report=report,
                                   action=action, **_kwargs(action, org, other_org))
    assert exc.value.code == "illegal_transition"
    report.refresh_from_db()
    assert report.status == source


def test_unknown_action_refused(personas, make_report):
    with pytest.raises(ValidationError):
        services.report_transition(actor=personas.worker, report=make_report(), action="fly")


def test_auto_close_is_not_a_user_action(personas, make_report, move):
    from django.core.exceptions import PermissionDenied

    report = move(make_report(), Status.RESOLVED)
    with pytest.raises(PermissionDenied):
        services.report_transition(actor=personas.admin, report=report, action="auto_close")


def test_refuse_needs_reason_and_accept_needs_org(personas, make_report, other_org):
    report = make_report()
    with pytest.raises(ValidationError) as exc:
        services.report_transition(actor=personas.worker, report=report, action="refuse")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.report_transition(actor=personas.worker, report=report, action="accept")
    assert "organisation" in exc.value.message_dict


def test_accept_refuses_organisation_of_another_community(personas, make_report):
    from gongzhi.testing.factories import OrganisationFactory

    foreign = OrganisationFactory(community=personas.other_community)
    with pytest.raises(ValidationError):
        services.report_transition(actor=personas.worker, report=make_report(),
                                   action="accept", organisation=foreign)


def test_steps_notify_reporter_and_supporters_not_actor(personas, org, make_report):
    report = make_report()
    services.report_me_too(actor=personas.owner, report=report)
    services.report_accept(actor=personas.worker, report=report, organisation=org)
    got = set(Notification.objects.filter(kind="reports.accepted").values_list("user_id",
                                                                               flat=True))
    assert got == {report.reporter_id, personas.owner.pk}


def test_clocks_set_and_cleared(personas, org, make_report):
    report = make_report()
    assert report.due_at - report.created_at == dt.timedelta(hours=24)
    report = services.report_accept(actor=personas.worker, report=report, organisation=org)
    assert report.due_at - report.accepted_at == dt.timedelta(days=7)
    report = services.report_resolve(actor=personas.worker, report=report, note="好了")
    assert report.due_at is None and report.resolved_at


def test_timeline_is_append_only(make_report):
    event = ReportEvent.objects.filter(report=make_report()).first()
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    from django.db import IntegrityError, transaction
    from django.db.utils import DatabaseError

    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ReportEvent.objects.filter(pk=event.pk).update(note="rewritten")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_only_one_wins(personas, org, make_report):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises writers")
    report = make_report()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(user, organisation):
        from django.db import connections

        try:
            barrier.wait()
            services.report_transition(actor=user, report=report, action="accept",
                                       organisation=organisation)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(u, org))
               for u in (personas.worker, personas.admin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert report.events.filter(kind=EventKind.ACCEPTED).count() == 1
