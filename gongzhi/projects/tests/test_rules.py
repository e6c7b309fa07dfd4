"""Role × phase permission matrix, per verb, with phases frozen (adhocracy4 pattern)."""

from __future__ import annotations

import pytest

from gongzhi.orgs.models import OrgMember
from gongzhi.projects import services
from gongzhi.projects.models import Phase, ProjectTemplate, Stakeholder, TeamMember
from gongzhi.projects.tests.factories import ProposalFactory, TaskFactory
from gongzhi.projects.tests.helpers import freeze_after, freeze_phase, fresh
from gongzhi.testing.factories import OrganisationFactory, UserFactory

NAMES = ("anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
         "other_admin", "subdistrict_admin")
STAFF = {"worker", "admin", "subdistrict_admin"}
MEMBERS = {"resident", "verified", "owner"}
VERIFIED = {"verified", "owner"}


@pytest.fixture
def garden(personas):
    template = ProjectTemplate.objects.get(key="garden")
    return services.project_create(actor=personas.worker, community=personas.community,
                                   template=template, title="锅炉房花园")


def phase(project, key) -> Phase:
    return project.phases.get(key=key)


def allowed(personas, perm, obj) -> set[str]:
    from django.contrib.auth.models import AnonymousUser

    found = set()
    for name in NAMES:
        user = personas.user(name)
        user = AnonymousUser() if user is None else fresh(user)
        if user.has_perm(perm, obj):
            found.add(name)
    return found


PARTICIPATION = [
    # (perm, phase key, who may)
    ("projects.propose", "initiation", set()),
    ("projects.propose", "needs_survey", VERIFIED),
    ("projects.propose", "co_construction", set()),
    ("projects.comment", "initiation", MEMBERS),
    ("projects.comment", "needs_survey", MEMBERS),
    ("projects.comment", "decision", MEMBERS),
    ("projects.sign_up", "needs_survey", set()),
    ("projects.sign_up", "co_construction", MEMBERS),
    ("projects.evaluate", "co_construction", set()),
    ("projects.evaluate", "evaluation", VERIFIED),
]


@pytest.mark.parametrize(("perm", "key", "who"), PARTICIPATION)
def test_participation_follows_role_and_phase(personas, garden, perm, key, who):
    obj = garden
    if perm == "projects.sign_up":
        obj = TaskFactory(project=garden)
    with freeze_phase(phase(garden, key)):
        assert allowed(personas, perm, obj) == who


@pytest.mark.parametrize("perm", ["projects.propose", "projects.comment", "projects.sign_up",
                                  "projects.evaluate"])
def test_nothing_is_open_after_the_last_phase(personas, garden, perm):
    with freeze_after(garden):
        assert allowed(personas, perm, garden) == set()


@pytest.mark.parametrize(("key", "who"), [("needs_survey", VERIFIED), ("co_design", VERIFIED),
                                          ("initiation", set()), ("co_construction", set())])
def test_support_follows_phase(personas, garden, key, who):
    proposal = ProposalFactory(project=garden)
    with freeze_phase(phase(garden, key)):
        assert allowed(personas, "projects.support", proposal) == who


def test_support_is_refused_on_a_rejected_proposal(personas, garden):
    proposal = ProposalFactory(project=garden, answer="rejected", answer_text="太贵")
    with freeze_phase(phase(garden, "needs_survey")):
        assert allowed(personas, "projects.support", proposal) == set()


@pytest.mark.parametrize("perm", ["projects.moderate", "projects.answer_proposal",
                                  "projects.manage_project", "projects.merge_proposals"])
@pytest.mark.parametrize("key", ["initiation", "co_construction"])
def test_staff_verbs_depend_on_role_not_phase(personas, garden, perm, key):
    obj = ProposalFactory(project=garden) if perm != "projects.manage_project" else garden
    with freeze_phase(phase(garden, key)):
        assert allowed(personas, perm, obj) == STAFF


def test_staff_verbs_after_the_project_ended(personas, garden):
    with freeze_after(garden):
        assert allowed(personas, "projects.manage_project", garden) == STAFF


def test_a_team_coordinator_manages_and_a_moderator_only_moderates(personas, garden):
    coordinator, moderator = UserFactory(), UserFactory()
    TeamMember.objects.create(project=garden, user=coordinator, role="coordinator")
    TeamMember.objects.create(project=garden, user=moderator, role="moderator")
    proposal = ProposalFactory(project=garden)
    assert coordinator.has_perm("projects.manage_project", garden)
    assert coordinator.has_perm("projects.answer_proposal", proposal)
    assert moderator.has_perm("projects.moderate", proposal)
    assert not fresh(moderator).has_perm("projects.manage_project", garden)
    assert not moderator.has_perm("projects.answer_proposal", proposal)


def test_stakeholder_org_members_may_sign_up_and_propose_in_co_design(personas, garden):
    org = OrganisationFactory(community=personas.community, name="规划团队")
    Stakeholder.objects.create(project=garden, organisation=org, role="adviser")
    planner = UserFactory()
    OrgMember.objects.create(organisation=org, user=planner)
    with freeze_phase(phase(garden, "co_design")):
        assert planner.has_perm("projects.propose", garden)
    with freeze_phase(phase(garden, "co_construction")):
        assert fresh(planner).has_perm("projects.sign_up", TaskFactory(project=garden))
    with freeze_phase(phase(garden, "needs_survey")):
        assert not fresh(planner).has_perm("projects.propose", garden)


def test_only_the_author_edits_and_only_while_proposing_is_open(personas, garden):
    proposal = ProposalFactory(project=garden, author=personas.verified)
    with freeze_phase(phase(garden, "needs_survey")):
        assert allowed(personas, "projects.edit_proposal", proposal) == {"verified"}
        assert allowed(personas, "projects.amend_proposal", proposal) == {"owner"}
    with freeze_phase(phase(garden, "co_construction")):
        assert allowed(personas, "projects.edit_proposal", proposal) == set()


def test_the_author_decides_amendments(personas, garden):
    proposal = ProposalFactory(project=garden, author=personas.verified)
    amendment = proposal.amendments.create(author=personas.owner, title="x", description="y",
                                           based_on_version=1)
    assert allowed(personas, "projects.decide_amendment", amendment) == {"verified"}


def test_drafts_are_hidden_from_the_public(personas, garden):
    garden.status = "draft"
    garden.save()
    assert allowed(personas, "projects.view_project", garden) == STAFF
