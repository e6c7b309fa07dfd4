"""A project's conversation follows the project's phase (``deliberation.vote`` and
``deliberation.propose_statement``), persona by persona; the project page shows the block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Conversation
from gongzhi.deliberation.tests.conftest import SEEDS
from gongzhi.projects import phase_actions
from gongzhi.projects.tests.factories import PhaseFactory, ProjectFactory
from gongzhi.projects.tests.helpers import freeze_phase, fresh
from gongzhi.testing.fixtures import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    """Deliberating (verified residents vote, members write statements), then building."""
    p = ProjectFactory(community=personas.community, title="锅炉房的未来")
    today = timezone.localdate()
    PhaseFactory(project=p, order=1, key="talk", name="议事",
                 starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=5),
                 actions={"deliberation.vote": ["verified"],
                          "deliberation.propose_statement": ["member"]})
    PhaseFactory(project=p, order=2, key="build", name="共建",
                 starts_on=today + dt.timedelta(days=6), ends_on=today + dt.timedelta(days=30),
                 actions={"projects.signup": ["member"]})
    return p


@pytest.fixture
def conversation(personas, project):
    return services.conversation_create(
        actor=personas.worker, community=personas.community, project=project,
        question="锅炉房旧址的未来：大家怎么看？", seeds=SEEDS[:4],
        voters=Conversation.Voters.RESIDENTS, state=Conversation.State.OPEN)


def who_may(personas, perm, conversation) -> set[str]:
    conversation = Conversation.objects.select_related("project").get(pk=conversation.pk)
    found = set()
    for name in Personas.NAMES:
        user = personas.user(name)
        user = AnonymousUser() if user is None else fresh(user)
        if user.has_perm(perm, conversation):
            found.add(name)
    return found


def test_deliberation_registers_both_actions():
    assert phase_actions.get("deliberation.vote").block_template
    assert phase_actions.get("deliberation.propose_statement")


def test_voting_and_writing_follow_the_phase(personas, project, conversation):
    talk, build = project.phases.order_by("order")
    with freeze_phase(talk):
        voters = who_may(personas, "deliberation.vote", conversation)
        writers = who_may(personas, "deliberation.propose_statement", conversation)
        # the phase narrows who votes (verified) below what the conversation allows (all
        # residents); writing statements stays open to every member
        assert voters == {"verified", "owner"}
        assert writers == {"resident", "verified", "owner"}
    with freeze_phase(build):
        assert who_may(personas, "deliberation.vote", conversation) == set()
        assert who_may(personas, "deliberation.propose_statement", conversation) == set()


def test_the_project_page_lists_the_conversation(client, personas, project, conversation):
    talk, _build = project.phases.order_by("order")
    client.force_login(personas.verified)
    with freeze_phase(talk):
        html = client.get(reverse("projects:detail",
                                  args=[personas.community.slug, project.pk])).content.decode()
    assert conversation.question in html
