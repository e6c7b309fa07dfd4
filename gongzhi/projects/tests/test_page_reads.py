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


def _orm_proposal_page(project, pk, user=None):
    """What proposal_page gave when it was the ORM's query (before it was compiled)."""
    from django.db.models import Exists, OuterRef, Prefetch

    from gongzhi.projects.models import Amendment, Support

    qs = (Proposal.objects.select_related("author", "space", "merged_into", "answered_by",
                                          "project__community")
          .prefetch_related("images", "versions",
                            Prefetch("amendments", queryset=Amendment.objects
                                     .select_related("author")),
                            Prefetch("results", queryset=Result.objects.all())))
    if user is not None and user.is_authenticated:
        qs = qs.annotate(my_support=Exists(Support.objects.filter(
            proposal=OuterRef("pk"), user_id=user.pk)))
    return qs.get(project=project, pk=pk)


def _row(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_proposal_page_is_the_orms_answer(personas, project, django_assert_num_queries):
    from gongzhi.projects.models import Amendment, ProposalImage, ProposalVersion, Support

    space = space_create(actor=None, community=personas.community, kind="pocket_park",
                         name="锅炉房", geometry=square(LON, LAT))
    target = ProposalFactory(project=project)
    proposal = ProposalFactory(project=project, author=personas.verified, space=space,
                               merged_into=target, answered_by=personas.worker,
                               answer=Proposal.Answer.ACCEPTED)
    for i in range(2):
        ProposalImage.objects.create(proposal=proposal, image=f"proposals/{i}.png",
                                     caption=f"图{i}")
        ProposalVersion.objects.create(proposal=proposal, version=i + 1, title=f"第{i}版",
                                       description="旧的说明", changed_by=personas.worker)
        Amendment.objects.create(proposal=proposal, author=personas.owner, title=f"修改{i}",
                                 description="改成这样", based_on_version=1)
    Result.objects.create(community=personas.community, project=project, proposal=proposal,
                          title="成果")
    Support.objects.create(proposal=proposal, user=personas.owner)
    other = ProposalFactory()  # another project's: not found through this one
    for user in (None, personas.owner, personas.verified):
        orm = _orm_proposal_page(project, proposal.pk, user)
        # the proposal, its images, versions, amendments and results: five queries
        with django_assert_num_queries(5):
            got = selectors.proposal_page(project, proposal.pk, user=user)
            related = {name: [(_row(o), _row(o.author) if name == "amendments" else None)
                              for o in getattr(got, name).all()]
                       for name in ("images", "versions", "amendments", "results")}
        assert _row(got) == _row(orm)
        for name in ("author", "space", "merged_into", "answered_by"):
            assert _row(getattr(got, name)) == _row(getattr(orm, name))
        assert got.project is project
        assert related == {name: [(_row(o), _row(o.author) if name == "amendments" else None)
                                  for o in getattr(orm, name).all()]
                           for name in ("images", "versions", "amendments", "results")}
        assert [len(v) for v in related.values()] == [2, 2, 2, 1]
        assert getattr(got, "my_support", None) == getattr(orm, "my_support", None)
    assert selectors.proposal_page(project, proposal.pk, user=personas.owner).my_support
    assert not selectors.proposal_page(project, proposal.pk, user=personas.verified).my_support
    with pytest.raises(Proposal.DoesNotExist):
        selectors.proposal_page(project, other.pk, user=personas.owner)
    with pytest.raises(Proposal.DoesNotExist):
        selectors.proposal_page(project, other.pk)
