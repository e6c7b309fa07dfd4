"""The project page's compiled reads (projects.selectors, core.compiled) give what the ORM
gives, on a project that has every kind of thing the page shows, for every persona: the
top proposals with their results (and the author's own hidden one through the ORM),
tasks with sign-ups, evaluations, results, ballots, spaces, stakeholders, team, photos."""

from __future__ import annotations

import pytest
from django.db.models import Avg, Count

from gongzhi.decisions import selectors as decision_selectors
from gongzhi.decisions import services as decision_services
from gongzhi.orgs.models import Organisation
from gongzhi.projects import phases, selectors
from gongzhi.projects.models import (
    Evaluation,
    Project,
    ProjectPhoto,
    Proposal,
    Result,
    Stakeholder,
    Task,
    TaskSignup,
    TeamMember,
)
from gongzhi.projects.tests.factories import ProposalFactory, TaskFactory
from gongzhi.spaces.services import space_create
from gongzhi.spaces.tests.conftest import LAT, LON, square
from gongzhi.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_project(personas, project):
    community = personas.community
    for i, name in enumerate(("锅炉房", "小花园")):
        project.spaces.add(space_create(actor=None, community=community, kind="pocket_park",
                                        name=name, geometry=square(LON + i * 0.001, LAT)))
    org = Organisation.objects.create(community=community, name="物业公司", kind="property")
    Stakeholder.objects.create(project=project, organisation=org, role="implementer")
    TeamMember.objects.create(project=project, user=personas.worker, role="coordinator")
    ProjectPhoto.objects.create(project=project, kind="before", image="projects/a.png",
                                caption="改造前")
    proposals = [ProposalFactory(project=project, support_count=n) for n in range(8)]
    for p in proposals[3::2]:  # accepted, among the top five and below it
        p.answer = Proposal.Answer.ACCEPTED
        p.save(update_fields=["answer"])
        Result.objects.create(community=community, project=project, proposal=p,
                              title=f"成果{p.pk}")  # one result per proposal
    ProposalFactory(project=project, author=personas.verified, support_count=99,
                    visibility=Proposal.Visibility.PENDING)  # only its author sees it
    tasks = [TaskFactory(project=project) for _ in range(3)]
    TaskSignup.objects.create(task=tasks[0], user=personas.owner)
    TaskSignup.objects.create(task=tasks[0], user=personas.verified)
    TaskSignup.objects.create(task=tasks[2], user=personas.owner)
    Evaluation.objects.create(project=project, user=personas.owner, score=4)
    Evaluation.objects.create(project=project, user=personas.verified, score=5)
    for title in ("方案投票", "草稿"):
        ballot = decision_services.ballot_create(
            actor=personas.admin, community=community, title=title, method="approval",
            options=[{"key": "a", "label": "甲"}, {"key": "b", "label": "乙"}],
            project=project)
        if title != "草稿":
            decision_services.ballot_open(actor=personas.admin, ballot=ballot)
    return project


def _fields(rows, *names):
    return [tuple(getattr(r, n) for n in names) for r in rows]


@pytest.mark.parametrize("name", ["anonymous", "outsider", "verified", "owner", "worker"])
def test_the_compiled_reads_give_what_the_orm_gives(personas, full_project, name):
    from django.contrib.auth.models import AnonymousUser

    user = personas.user(name) or AnonymousUser()
    project = Project.objects.get(pk=full_project.pk)

    top = selectors.top_proposals(project, user)
    orm = list(selectors.proposals_for(project, user=user, order="supports")[:5])
    assert [p.pk for p in top] == [p.pk for p in orm]
    assert len(top) == 5
    assert [sorted(r.pk for r in p.results.all()) for p in top] == [
        sorted(r.pk for r in p.results.all()) for p in orm]
    assert any(p.results.all() for p in top)  # the accepted ones show their results
    assert [(p.author.pk, p.community.slug) for p in top] == [
        (p.author.pk, p.community.slug) for p in orm]
    if name == "verified":  # the author's own pending proposal leads their list
        assert top[0].visibility == Proposal.Visibility.PENDING

    tasks = selectors.tasks_for(project, user)
    mine = set(TaskSignup.objects.filter(user_id=getattr(user, "pk", None))
               .values_list("task_id", flat=True))
    expected = list(Task.objects.filter(project=project).annotate(signed=Count("signups"))
                    .order_by("starts_at", "id"))
    assert _fields(tasks, "pk", "signed", "free") == [
        (t.pk, t.signed, max(0, t.capacity - t.signed)) for t in expected]
    assert [t.is_mine for t in tasks] == [t.pk in mine for t in expected]

    assert selectors.evaluation_summary(project) == Evaluation.objects.filter(
        project=project).aggregate(n=Count("id"), avg=Avg("score"))
    assert [r.pk for r in selectors.project_results(project)] == [
        r.pk for r in selectors.results_for(project.community, project=project)[:20]]
    assert [b.pk for b in decision_selectors.project_ballots(project)] == [
        b.pk for b in decision_selectors.ballots_for_project(project)]
    assert len(decision_selectors.project_ballots(project)) == 1  # not the draft

    page = selectors.project_page(project)
    fresh = Project.objects.prefetch_related("spaces", "stakeholders__organisation",
                                             "team__user", "photos").get(pk=project.pk)
    for related in ("spaces", "stakeholders", "team", "photos"):
        assert [o.pk for o in getattr(page, related).all()] == [
            o.pk for o in getattr(fresh, related).all()], related
    assert [s.organisation.name for s in page.stakeholders.all()] == ["物业公司"]
    assert [t.user.pk for t in page.team.all()] == [personas.worker.pk]
    assert [p.key for p in phases.project_phases(page)] == ["closed", "open", "later"]


def test_an_empty_project_and_a_project_without_phases(personas):
    from gongzhi.projects.tests.factories import ProjectFactory

    project = ProjectFactory(community=personas.community)
    assert selectors.project_with_phases(personas.community, project.pk) is None
    found = selectors.project_in(personas.community, project.pk)
    assert found == project and found.community == personas.community
    assert selectors.project_in(personas.other_community, project.pk) is None
    page = selectors.project_page(found)
    assert phases.project_phases(page) == []
    assert selectors.top_proposals(page, UserFactory()) == []
    assert selectors.tasks_for(page, personas.owner) == []
    assert selectors.evaluation_summary(page) == {"n": 0, "avg": None}
    assert selectors.project_results(page) == []
