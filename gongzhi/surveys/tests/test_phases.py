"""A project's survey follows the project's phase (``surveys.respond``), persona by persona;
a survey outside any project is unaffected; the project page shows the survey block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from gongzhi.projects import phase_actions
from gongzhi.projects.tests.factories import PhaseFactory, ProjectFactory
from gongzhi.projects.tests.helpers import freeze_phase, fresh
from gongzhi.surveys.tests.test_views import make_survey
from gongzhi.testing.fixtures import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(personas):
    """Planning (a needs survey open to members), then building (nothing to answer)."""
    p = ProjectFactory(community=personas.community, title="锅炉房花园")
    today = timezone.localdate()
    PhaseFactory(project=p, order=1, key="needs", name="需求调查",
                 starts_on=today - dt.timedelta(days=5), ends_on=today + dt.timedelta(days=5),
                 actions={"surveys.respond": ["member"]})
    PhaseFactory(project=p, order=2, key="build", name="共建",
                 starts_on=today + dt.timedelta(days=6), ends_on=today + dt.timedelta(days=30),
                 actions={"projects.signup": ["member"]})
    return p


def who_may_respond(personas, survey) -> set[str]:
    from gongzhi.surveys.models import Survey

    survey = Survey.objects.select_related("project").get(pk=survey.pk)  # as a request would
    found = set()
    for name in Personas.NAMES:
        user = personas.user(name)
        user = AnonymousUser() if user is None else fresh(user)
        if user.has_perm("surveys.respond", survey):
            found.add(name)
    return found


def test_surveys_register_their_phase_action():
    action = phase_actions.get("surveys.respond")
    assert action.block_template == "surveys/project_block.html"


def test_a_project_survey_is_answered_only_in_the_phase_that_opens_it(personas, project):
    survey = make_survey(personas, project=project)
    needs, build = project.phases.order_by("order")
    with freeze_phase(needs):
        assert who_may_respond(personas, survey) == {"resident", "verified", "owner"}
    with freeze_phase(build):
        assert who_may_respond(personas, survey) == set()


def test_an_anonymous_project_survey_follows_the_phase_too(personas, project):
    survey = make_survey(personas, project=project, anonymous=True)
    needs, build = project.phases.order_by("order")
    with freeze_phase(needs):
        assert "anonymous" in who_may_respond(personas, survey)
    with freeze_phase(build):
        assert who_may_respond(personas, survey) == set()


def test_a_survey_outside_projects_ignores_phases(personas):
    survey = make_survey(personas)
    assert who_may_respond(personas, survey) == {"resident", "verified", "owner"}


def test_the_project_page_shows_the_survey_and_whether_it_is_open_to_you(
        client, personas, project):
    survey = make_survey(personas, project=project)
    needs, build = project.phases.order_by("order")
    page = reverse("projects:detail", args=[personas.community.slug, project.pk])
    client.force_login(personas.verified)
    with freeze_phase(needs):
        html = client.get(page).content.decode()
        assert survey.title in html
        assert reverse("surveys:respond", args=[personas.community.slug, survey.pk]) in html
    with freeze_phase(build):
        html = client.get(page).content.decode()
        assert survey.title in html
        assert reverse("surveys:respond", args=[personas.community.slug, survey.pk]) not in html
