"""一图三会, decisions that become tracked results, and overdue action items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.meetings import services
from gongzhi.meetings.models import ActionItem, Invitation, Meeting, MeetingSet
from gongzhi.notifications.models import Notification
from gongzhi.orgs.models import OrgKind
from gongzhi.testing.factories import OrganisationFactory


@pytest.fixture
def stakeholders(personas, proposal, property_org):
    from gongzhi.projects.models import Stakeholder

    planner = OrganisationFactory(community=personas.community, kind=OrgKind.PLANNER,
                                  name="规划团队")
    builder = OrganisationFactory(community=personas.community, kind=OrgKind.OTHER,
                                  name="施工队")
    rc = OrganisationFactory(community=personas.community,
                             kind=OrgKind.RESIDENTS_COMMITTEE, name="居委会")
    project = proposal.project
    Stakeholder.objects.create(project=project, organisation=planner, role="lead")
    Stakeholder.objects.create(project=project, organisation=builder, role="implementer")
    return {"planner": planner, "builder": builder, "rc": rc, "property": property_org}


def test_one_map_three_meetings_creates_exactly_three_linked_meetings(
        personas, proposal, stakeholders):
    now = timezone.now()
    dossier = services.meeting_set_create(
        actor=personas.worker, proposal=proposal, hearing_at=now + dt.timedelta(days=3),
        coordination_at=now + dt.timedelta(days=10), evaluation_at=now + dt.timedelta(days=60))
    meetings = list(dossier.meetings.order_by("starts_at"))
    assert MeetingSet.objects.count() == 1 and Meeting.objects.count() == 3
    assert [m.kind for m in meetings] == ["hearing", "coordination", "evaluation"]
    assert [m.audience for m in meetings] == ["residents", "invited", "residents"]
    for m in meetings:
        items = list(m.agenda_items.all())
        assert len(items) == 1 and items[0].proposal == proposal
        assert m.project == proposal.project and m.status == "draft"

    def invited(m):
        return {(i.organisation.name, i.role) for i in Invitation.objects.filter(meeting=m)}

    hearing, coordination, evaluation = meetings
    assert invited(hearing) == {("规划团队", "stakeholder"), ("施工队", "stakeholder")}
    assert invited(coordination) == {("规划团队", "concerned"), ("施工队", "concerned"),
                                     ("居委会", "concerned"), ("物业公司", "concerned")}
    assert invited(evaluation) == {("施工队", "implementer")}


def test_preset_refuses_meetings_out_of_order_and_non_staff(personas, proposal):
    from django.core.exceptions import PermissionDenied, ValidationError

    now = timezone.now()
    with pytest.raises(ValidationError):
        services.meeting_set_create(actor=personas.worker, proposal=proposal,
                                    hearing_at=now + dt.timedelta(days=9),
                                    coordination_at=now + dt.timedelta(days=3),
                                    evaluation_at=now + dt.timedelta(days=30))
    with pytest.raises(PermissionDenied):
        services.meeting_set_create(actor=personas.verified, proposal=proposal,
                                    hearing_at=now, coordination_at=now, evaluation_at=now)
    assert not Meeting.objects.exists()


def test_dossier_page_shows_map_and_three_meetings(personas, proposal, stakeholders):
    client = personas.client("worker")
    slug = personas.community.slug
    now = timezone.localtime() + dt.timedelta(days=1)
    fmt = "%Y-%m-%dT%H:%M"
    resp = client.post(f"/c/{slug}/meetings/one-map-three-meetings/new/", {
        "proposal": proposal.pk, "hearing_at": now.strftime(fmt),
        "coordination_at": (now + dt.timedelta(days=7)).strftime(fmt),
        "evaluation_at": (now + dt.timedelta(days=40)).strftime(fmt),
        "use_defaults": "on", "publish": "on"})
    assert resp.status_code == 302
    dossier = MeetingSet.objects.get()
    assert set(dossier.meetings.values_list("status", flat=True)) == {"published"}
    page = personas.client("anonymous").get(resp.url).content.decode()
    assert "dossier-location" in page and proposal.title in page
    assert page.count("/meetings/" + "") >= 3
    # invited organisation members heard about it
    assert Notification.objects.filter(user=stakeholders["property"].rep,
                                       kind="meeting.invitation").exists()


def test_a_decision_becomes_a_tracked_result(personas, hearing, proposal, property_org):
    from gongzhi.projects.models import Result

    item = services.agenda_item_add(actor=personas.worker, meeting=hearing,
                                    title=proposal.title, proposal=proposal)
    d1 = services.decision_record(actor=personas.worker, meeting=hearing, agenda_item=item,
                                  text="同意改造，物业负责清理", votes_for=20, votes_against=2,
                                  responsible_org=property_org,
                                  due_on=timezone.localdate() + dt.timedelta(days=30))
    assert d1.result is not None
    result = Result.objects.get(pk=d1.result_id)
    assert result.source == Result.Source.MEETING and result.proposal == proposal
    assert result.project == proposal.project and result.responsible_org == property_org
    d2 = services.decision_record(actor=personas.worker, meeting=hearing, agenda_item=item,
                                  text="预算不超过五万元")
    assert d2.result_id == result.pk  # one thing, one tracked result
    assert Result.objects.count() == 1


def test_accepted_proposal_and_meeting_decision_share_one_result(
        personas, hearing, proposal, django_capture_on_commit_callbacks):
    from gongzhi.core.models import AuditEntry
    from gongzhi.notifications.models import Notification
    from gongzhi.projects import services as projects
    from gongzhi.projects.models import Result

    proposal.author = personas.verified
    proposal.save(update_fields=["author"])
    projects.proposal_answer(actor=personas.worker, proposal=proposal, answer="accepted",
                             text="纳入计划")
    accepted = Result.objects.get()
    item = services.agenda_item_add(actor=personas.worker, meeting=hearing,
                                    title=proposal.title, proposal=proposal)
    before = Notification.objects.filter(user=personas.verified).count()
    with django_capture_on_commit_callbacks(execute=True):
        d = services.decision_record(actor=personas.worker, meeting=hearing,
                                     agenda_item=item, text="通过，下月开工")
    assert d.result_id == accepted.pk and Result.objects.count() == 1
    assert AuditEntry.objects.filter(action="result.decision_linked").exists()
    # the author is told what the meeting decided, as with an official answer
    assert Notification.objects.filter(user=personas.verified).count() == before + 1


def test_a_rejected_proposal_never_becomes_a_planned_result(personas, hearing, proposal):
    from gongzhi.projects import services as projects
    from gongzhi.projects.models import Result

    projects.proposal_answer(actor=personas.worker, proposal=proposal, answer="rejected",
                             text="用地不改变用途")
    item = services.agenda_item_add(actor=personas.worker, meeting=hearing,
                                    title=proposal.title, proposal=proposal)
    d = services.decision_record(actor=personas.worker, meeting=hearing, agenda_item=item,
                                 text="维持原答复")
    assert d.result_id is None and not Result.objects.exists()


def test_meeting_results_are_announced_to_attendees(personas, proposal,
                                                    django_capture_on_commit_callbacks):
    from gongzhi.meetings.models import MeetingKind
    from gongzhi.meetings.tests.conftest import make_meeting
    from gongzhi.notifications.models import Notification

    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, days=-1 / 24)
    services.attendance_record(actor=personas.worker, meeting=meeting, user=personas.owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_record(actor=personas.worker, meeting=meeting, text="每月第一个周六共建")
    assert Notification.objects.filter(user=personas.owner, kind="result.update").exists()


def test_only_staff_record_decisions(personas, hearing):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.decision_record(actor=personas.verified, meeting=hearing, text="x")


def test_overdue_action_items_are_flagged_once_to_org_and_workers(personas, hearing,
                                                                  property_org):
    today = timezone.localdate()
    late = services.action_item_create(actor=personas.worker, meeting=hearing,
                                       title="更换路灯", responsible_org=property_org,
                                       due_on=today - dt.timedelta(days=1))
    services.action_item_create(actor=personas.worker, meeting=hearing, title="修车棚",
                                responsible_org=property_org,
                                due_on=today + dt.timedelta(days=5))
    done = services.action_item_create(actor=personas.worker, meeting=hearing,
                                       title="已完成", due_on=today - dt.timedelta(days=3))
    services.action_item_set_status(actor=personas.worker, item=done, status="done")

    assert services.action_items_flag_overdue() == 1
    late.refresh_from_db()
    assert late.overdue_flagged_at is not None and late.is_overdue
    overdue = Notification.objects.filter(kind="meeting.action_overdue")
    # the admin also holds the worker role in the personas
    assert set(overdue.values_list("user_id", flat=True)) == {
        property_org.rep.pk, personas.worker.pk, personas.admin.pk}
    assert services.action_items_flag_overdue() == 0  # once only
    assert ActionItem.objects.filter(overdue_flagged_at__isnull=False).count() == 1


def test_overdue_job_is_registered_for_tick(db):
    from gongzhi.core.periodic import periodic_jobs

    jobs = periodic_jobs()
    assert "meetings.flag_overdue_action_items" in jobs
    assert "notifications.daily_digest" in jobs


def test_responsible_org_member_updates_their_action_item(personas, hearing, property_org):
    item = services.action_item_create(actor=personas.worker, meeting=hearing, title="清理",
                                       responsible_org=property_org)
    client = personas.client("worker")
    client.force_login(property_org.rep)
    client.post(f"/c/{personas.community.slug}/meetings/actions/{item.pk}/status/",
                {"status": "done"})
    item.refresh_from_db()
    assert item.status == "done" and item.completed_on == timezone.localdate()
    other = personas.client("verified")
    other.post(f"/c/{personas.community.slug}/meetings/actions/{item.pk}/status/",
               {"status": "open"})
    item.refresh_from_db()
    assert item.status == "done"
