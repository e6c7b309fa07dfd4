from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gongzhi.core.models import AuditEntry
from gongzhi.notifications.models import Notification
from gongzhi.orgs.models import OrgMember
from gongzhi.projects import phases, services
from gongzhi.projects.models import (
    Amendment,
    Comment,
    Donation,
    ProjectTemplate,
    Proposal,
    Result,
    Support,
    TaskSignup,
)
from gongzhi.projects.tests.factories import ProposalFactory, TaskFactory
from gongzhi.projects.tests.helpers import freeze_after, freeze_day, freeze_phase
from gongzhi.testing.factories import OrganisationFactory, UserFactory, make_member


def _verified(personas, n):
    return [make_member(UserFactory(), personas.community) for _ in range(n)]


# --- projects and phases ----------------------------------------------------------------


def test_creating_from_a_template_creates_dated_phases(personas):
    template = ProjectTemplate.objects.get(key="garden")
    start = dt.date(2026, 3, 1)
    project = services.project_create(actor=personas.worker, community=personas.community,
                                      template=template, title="花园", starts_on=start)
    keys = list(project.phases.values_list("key", flat=True))
    assert keys == ["initiation", "needs_survey", "co_design", "deliberation", "decision",
                    "co_construction", "operation", "evaluation", "sharing"]
    first, second = project.phases.all()[:2]
    assert first.starts_on == start and first.ends_on == start + dt.timedelta(days=13)
    assert second.starts_on == first.ends_on + dt.timedelta(days=1)
    assert second.actions["projects.propose"] == ["verified"]
    assert AuditEntry.objects.filter(action="project.create", target_id=str(project.pk)).exists()


def test_all_shipped_templates_exist(db):
    assert set(ProjectTemplate.objects.values_list("key", flat=True)) >= {
        "garden", "micro_renewal", "budget", "contest"}


def test_residents_cannot_create_projects(personas):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=personas.verified, community=personas.community,
                                title="x")


def test_the_current_phase_follows_the_dates(project):
    assert phases.current_phase(project).key == "open"
    with freeze_day(phases.today() + dt.timedelta(days=25)):
        phases.forget_phases(project)
        assert phases.current_phase(project).key == "later"
    with freeze_after(project):
        assert phases.current_phase(project) is None
    states = [e.state for e in phases.timeline(project)]
    assert states == ["done", "current", "upcoming"]


def test_a_worker_advances_the_phase_and_it_is_audited(personas, project):
    nxt = services.phase_advance(actor=personas.worker, project=project, reason="提前开工")
    assert nxt.key == "later"
    phases.forget_phases(project)
    assert phases.current_phase(project).key == "later"
    entry = AuditEntry.objects.get(action="project.phase_advance")
    assert entry.before == {"phase": "open"} and entry.after == {"phase": "later"}
    assert entry.reason == "提前开工"
    # Closing the last phase leaves nothing open.
    services.phase_advance(actor=personas.worker, project=project)
    phases.forget_phases(project)
    assert phases.current_phase(project) is None


def test_residents_cannot_advance_phases(personas, project):
    with pytest.raises(PermissionDenied):
        services.phase_advance(actor=personas.verified, project=project)


# --- proposals and supports ------------------------------------------------------------


def test_a_verified_resident_proposes(personas, project):
    p = services.proposal_create(actor=personas.verified, project=project, title="种向日葵",
                                 description="锅炉房南侧", lat=31.28, lon=121.5,
                                 cost_estimate=Decimal("300"))
    assert p.phase.key == "open" and p.community == personas.community


def test_a_pending_resident_cannot_propose(personas, project):
    with pytest.raises(PermissionDenied):
        services.proposal_create(actor=personas.resident, project=project, title="x",
                                 description="y")


def test_half_a_location_is_refused(personas, project):
    with pytest.raises(ValidationError):
        services.proposal_create(actor=personas.verified, project=project, title="x",
                                 description="y", lat=31.2)


def test_support_is_unique_and_counted_once(personas, project):
    proposal = ProposalFactory(project=project)
    services.support_add(actor=personas.verified, proposal=proposal)
    services.support_add(actor=personas.verified, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(proposal=proposal, user=personas.verified)


def test_support_can_be_retracted_while_open_but_not_after(personas, project):
    proposal = ProposalFactory(project=project)
    services.support_add(actor=personas.owner, proposal=proposal)
    assert services.support_remove(actor=personas.owner, proposal=proposal)
    assert proposal.support_count == 0
    services.support_add(actor=personas.owner, proposal=proposal)
    with freeze_after(project), pytest.raises(PermissionDenied):
        services.support_remove(actor=personas.owner, proposal=proposal)
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_merge_carries_supports_without_counting_anyone_twice(personas, project):
    a, b = ProposalFactory(project=project), ProposalFactory(project=project)
    both, only_a, only_b = _verified(personas, 3)
    for user in (both, only_a):
        services.support_add(actor=user, proposal=a)
    for user in (both, only_b):
        services.support_add(actor=user, proposal=b)
    target = services.proposal_merge(actor=personas.worker, source=a, target=b)
    a.refresh_from_db()
    assert target.support_count == 3
    assert set(Support.objects.filter(proposal=b).values_list("user", flat=True)) == {
        both.pk, only_a.pk, only_b.pk}
    assert a.answer == Proposal.Answer.MERGED and a.merged_into == b and a.support_count == 0
    with pytest.raises(PermissionDenied):
        services.support_add(actor=personas.owner, proposal=a)


def test_merge_needs_permission(personas, project):
    a, b = ProposalFactory(project=project), ProposalFactory(project=project)
    with pytest.raises(PermissionDenied):
        services.proposal_merge(actor=personas.verified, source=a, target=b)


def test_official_answer_notifies_author_and_supporters_after_commit(
        personas, project, django_capture_on_commit_callbacks):
    proposal = ProposalFactory(project=project, author=personas.verified)
    supporters = _verified(personas, 2)
    for user in supporters:
        services.support_add(actor=user, proposal=proposal)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.proposal_answer(actor=personas.worker, proposal=proposal,
                                 answer="accepted", text="明年春天实施")
    assert not Notification.objects.filter(kind="proposal.answered").exists()
    for cb in callbacks:
        cb()
    notified = set(Notification.objects.filter(kind="proposal.answered")
                   .values_list("user_id", flat=True))
    assert notified == {personas.verified.pk, *(u.pk for u in supporters)}
    result = Result.objects.get(proposal=proposal)
    assert result.source == Result.Source.PROPOSAL and result.project == project


def test_rejection_needs_a_reason(personas, project):
    proposal = ProposalFactory(project=project)
    with pytest.raises(ValidationError):
        services.proposal_answer(actor=personas.worker, proposal=proposal, answer="rejected")
    services.proposal_answer(actor=personas.worker, proposal=proposal, answer="rejected",
                             text="场地不允许")
    proposal.refresh_from_db()
    assert proposal.answer == "rejected" and not Result.objects.filter(proposal=proposal)


def test_residents_cannot_answer(personas, project):
    with pytest.raises(PermissionDenied):
        services.proposal_answer(actor=personas.owner, proposal=ProposalFactory(project=project),
                                 answer="accepted")


# --- amendments ------------------------------------------------------------------------


def test_an_accepted_amendment_updates_the_proposal_and_keeps_history(personas, project):
    proposal = ProposalFactory(project=project, author=personas.verified, title="旧标题")
    amendment = services.amendment_create(actor=personas.owner, proposal=proposal,
                                          title="新标题", description="更好的描述",
                                          reason="更清楚")
    services.amendment_decide(actor=personas.verified, amendment=amendment, accept=True)
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version) == ("新标题", 2)
    old = proposal.versions.get()
    assert (old.version, old.title, old.amendment_id) == (1, "旧标题", amendment.pk)


def test_a_rejected_amendment_leaves_the_proposal(personas, project):
    proposal = ProposalFactory(project=project, author=personas.verified, title="旧标题")
    amendment = services.amendment_create(actor=personas.owner, proposal=proposal,
                                          title="新标题", description="x")
    with pytest.raises(PermissionDenied):
        services.amendment_decide(actor=personas.owner, amendment=amendment, accept=True)
    services.amendment_decide(actor=personas.verified, amendment=amendment, accept=False,
                              note="不同意")
    proposal.refresh_from_db()
    assert proposal.title == "旧标题" and not proposal.versions.exists()
    assert Amendment.objects.get().state == "rejected"
    with pytest.raises(ValidationError):
        services.amendment_decide(actor=personas.verified, amendment=amendment, accept=True)


# --- comments and moderation -----------------------------------------------------------


def test_threaded_comments(personas, project):
    proposal = ProposalFactory(project=project)
    top = services.comment_create(actor=personas.resident, project=project, proposal=proposal,
                                  body="好主意")
    reply = services.comment_create(actor=personas.owner, project=project, proposal=proposal,
                                    parent=top, body="同意")
    assert reply.parent == top
    proposal.refresh_from_db()
    assert proposal.comment_count == 2
    with pytest.raises(PermissionDenied):
        services.comment_create(actor=personas.outsider, project=project, body="x")


def test_content_is_hidden_after_n_reports_and_a_moderator_decides(personas, project):
    project.report_threshold = 2
    project.save()
    comment = services.comment_create(actor=personas.verified, project=project, body="广告")
    services.abuse_report_create(actor=personas.owner, target=comment, reason="广告")
    with pytest.raises(ValidationError):
        services.abuse_report_create(actor=personas.owner, target=comment, reason="again")
    comment.refresh_from_db()
    assert comment.visibility == Comment.Visibility.VISIBLE
    services.abuse_report_create(actor=personas.resident, target=comment, reason="广告")
    comment.refresh_from_db()
    assert comment.visibility == Comment.Visibility.PENDING
    with pytest.raises(ValidationError):
        services.content_moderate(actor=personas.worker, target=comment, decision="hide",
                                  reason="")
    with pytest.raises(PermissionDenied):
        services.content_moderate(actor=personas.owner, target=comment, decision="restore",
                                  reason="x")
    services.content_moderate(actor=personas.worker, target=comment, decision="restore",
                              reason="不是广告")
    comment.refresh_from_db()
    assert comment.visibility == "visible" and comment.report_count == 0
    assert AuditEntry.objects.filter(action="content.restore", reason="不是广告").exists()


def test_authors_cannot_report_themselves(personas, project):
    comment = services.comment_create(actor=personas.verified, project=project, body="x")
    with pytest.raises(PermissionDenied):
        services.abuse_report_create(actor=personas.verified, target=comment, reason="x")


# --- co-construction -------------------------------------------------------------------


def test_task_capacity_is_enforced(personas, project):
    task = TaskFactory(project=project, capacity=2)
    services.task_signup(actor=personas.verified, task=task)
    services.task_signup(actor=personas.verified, task=task)  # idempotent
    services.task_signup(actor=personas.owner, task=task)
    with pytest.raises(ValidationError):
        services.task_signup(actor=personas.resident, task=task)
    assert TaskSignup.objects.filter(task=task).count() == 2


def test_donations_move_pledged_received_used(personas, project):
    d = services.donation_create(actor=personas.owner, project=project, item="旧轮胎",
                                 quantity=Decimal(6), unit="个")
    with pytest.raises(ValidationError):
        services.donation_advance(actor=personas.worker, donation=d, condition="used")
    with pytest.raises(PermissionDenied):
        services.donation_advance(actor=personas.owner, donation=d, condition="received")
    services.donation_advance(actor=personas.worker, donation=d, condition="received")
    d = services.donation_advance(actor=personas.worker, donation=d, condition="used",
                                  used_for="轮胎花坛")
    assert d.condition == Donation.Condition.USED and d.used_for == "轮胎花坛"


# --- accountability --------------------------------------------------------------------


def test_result_updates_notify_followers_and_reach_done(personas, project,
                                                        django_capture_on_commit_callbacks):
    proposal = ProposalFactory(project=project, author=personas.verified)
    services.support_add(actor=personas.owner, proposal=proposal)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_answer(actor=personas.worker, proposal=proposal, answer="accepted")
    result = proposal.results.get()
    m = services.milestone_add(actor=personas.worker, result=result, title="清理", progress=40)
    with django_capture_on_commit_callbacks(execute=True):
        services.result_update_post(actor=personas.worker, result=result, text="清理完毕",
                                    milestone=m, spent_cost=Decimal("120"))
    result.refresh_from_db()
    assert (result.progress, result.status) == (40, "in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        services.result_update_post(actor=personas.worker, result=result, text="完工",
                                    progress=100)
    result.refresh_from_db()
    assert result.status == "done" and result.completed_on is not None
    assert Notification.objects.filter(user=personas.owner, kind="result.update").count() == 2
    assert result.updates.count() == 2


def test_result_progress_stays_in_range(personas, project):
    result = services.result_create(actor=personas.worker, community=personas.community,
                                    project=project, title="修路")
    with pytest.raises(ValidationError):
        services.result_update_post(actor=personas.worker, result=result, text="x",
                                    progress=120)
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.filter(pk=result.pk).update(progress=101)


def test_responsible_org_members_may_update_their_result(personas, project):
    org = OrganisationFactory(community=personas.community)
    member = UserFactory()
    OrgMember.objects.create(organisation=org, user=member)
    result = services.result_create(actor=personas.worker, community=personas.community,
                                    title="换路灯", responsible_org=org)
    services.result_update_post(actor=member, result=result, text="换了50盏", progress=25)
    with pytest.raises(PermissionDenied):
        services.result_update_post(actor=personas.owner, result=result, text="x", progress=30)


def test_meetings_create_results_without_a_project(personas):
    result = services.result_create(actor=personas.worker, community=personas.community,
                                    title="议事会决议：修车棚", source=Result.Source.MEETING,
                                    milestones=[{"title": "采购", "progress": 30}])
    assert result.project is None and result.milestones.count() == 1


def test_overdue_results_are_flagged_once(personas):
    org = OrganisationFactory(community=personas.community)
    member = UserFactory()
    OrgMember.objects.create(organisation=org, user=member)
    result = services.result_create(actor=personas.worker, community=personas.community,
                                    title="修路", responsible_org=org,
                                    due_on=dt.date(2020, 1, 1))
    services.milestone_add(actor=personas.worker, result=result, title="采购",
                           due_on=dt.date(2020, 1, 1))
    assert services.results_flag_overdue() == 2
    assert services.results_flag_overdue() == 0
    users = set(Notification.objects.filter(kind="result.overdue").values_list("user_id",
                                                                               flat=True))
    assert users == {member.pk, personas.worker.pk, personas.admin.pk}


def test_freeze_phase_helper_moves_the_clock(project):
    later = project.phases.get(key="later")
    with freeze_phase(later):
        assert phases.current_phase(project).key == "later"


def test_evaluation_only_in_the_evaluation_phase_and_once_per_person(personas):
    from gongzhi.projects.models import Evaluation

    template = ProjectTemplate.objects.get(key="garden")
    project = services.project_create(actor=personas.worker, community=personas.community,
                                      template=template, title="花园")
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(actor=personas.owner, project=project, score=5)
    with freeze_phase(project.phases.get(key="evaluation")):
        services.evaluation_submit(actor=personas.owner, project=project, score=2)
        services.evaluation_submit(actor=personas.owner, project=project, score=4,
                                   comment="很好")
        with pytest.raises(ValidationError):
            services.evaluation_submit(actor=personas.verified, project=project, score=9)
    assert Evaluation.objects.get().score == 4


def test_personal_data_export_has_the_projects_section(personas, project):
    from gongzhi.core.export import collect_personal_data

    ProposalFactory(project=project, author=personas.verified, title="我的")
    data = collect_personal_data(personas.verified)
    assert data["projects"]["proposals"][0]["title"] == "我的"


def test_the_overdue_job_is_registered_for_tick():
    from gongzhi.core.periodic import periodic_jobs

    assert "projects.flag_overdue" in periodic_jobs()
