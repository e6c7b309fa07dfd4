"""The phase-action registry: codes, validation, the role × phase × action matrix, and
ballots and meetings inside a project obeying the phase (adhocracy4's frozen-phase pattern).
"""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.projects import phase_actions, services
from gongzhi.projects.models import Phase, ProjectTemplate
from gongzhi.projects.tests.helpers import freeze_after, freeze_phase, fresh
from gongzhi.testing.fixtures import Personas

NAMES = Personas.NAMES
MEMBERS = {"resident", "verified", "owner"}
VERIFIED = {"verified", "owner"}

# Which audiences each persona belongs to in its own community's project (written out by
# hand, independently of rules.user_audiences).
PERSONA_AUDIENCES = {
    "anonymous": set(), "outsider": set(), "resident": {"member"},
    "verified": {"member", "verified"}, "owner": {"member", "verified"},
    "worker": set(), "admin": set(), "other_admin": set(), "subdistrict_admin": set(),
}


def who_may(personas, code, project) -> set[str]:
    from django.contrib.auth.models import AnonymousUser

    found = set()
    for name in NAMES:
        user = personas.user(name)
        user = AnonymousUser() if user is None else fresh(user)
        if phase_actions.phase_allows(user, project, code):
            found.add(name)
    return found


def make(personas, key: str, title: str = "项目"):
    template = ProjectTemplate.objects.get(key=key)
    return services.project_create(actor=personas.worker, community=personas.community,
                                   template=template, title=title)


@pytest.fixture
def garden(personas):
    return make(personas, "garden", "锅炉房花园")


# --- the registry -----------------------------------------------------------------------

def test_every_participation_app_registers_its_actions():
    codes = [a.code for a in phase_actions.registered()]
    assert set(codes) >= {"projects.propose", "projects.comment", "projects.support",
                          "projects.signup", "projects.donate", "projects.evaluate",
                          "decisions.vote", "meetings.attend"}
    assert all(c.count(".") == 1 for c in codes)
    orders = [(a.order, a.code) for a in phase_actions.registered()]
    assert orders == sorted(orders)
    from django.utils import translation

    with translation.override("en"):
        assert dict(phase_actions.choices())["decisions.vote"] == "Vote"
    with pytest.raises(KeyError):
        phase_actions.get("projects.vote")  # declared nowhere before; gone


def test_registering_validates_codes_and_refuses_a_second_action_with_a_code():
    with pytest.raises(ValueError):
        phase_actions.register(phase_actions.PhaseAction(code="vote", label="x"))
    with pytest.raises(ValueError):
        phase_actions.register(phase_actions.PhaseAction(code="projects.propose", label="x"))
    with pytest.raises(ValueError):
        phase_actions.register(phase_actions.PhaseAction(code="x.y", label="x",
                                                         block=lambda *a: {}))


def test_phases_store_only_registered_codes_and_known_audiences():
    clean = phase_actions.clean_actions
    assert clean({"propose": ["verified"], "decisions.vote": ["verified"],
                  "projects.comment": []}) == {"projects.propose": ["verified"],
                                               "decisions.vote": ["verified"]}
    for bad in ({"projects.vote": ["verified"]}, {"projects.propose": ["everyone"]},
                {"projects.propose": "verified"}, ["projects.propose"]):
        with pytest.raises(ValidationError):
            clean(bad)


def test_a_new_app_plugs_in_without_editing_projects(personas, garden, settings):
    """An action registered from outside appears in the phase editor and in permissions."""
    from gongzhi.projects.forms import PhaseForm

    action = phase_actions.register(phase_actions.PhaseAction(
        code="testapp.paint", label="Paint the wall", help_text="Residents paint.", order=99))
    try:
        phase = garden.phases.get(key="co_construction")
        form = PhaseForm(phase=phase)
        assert form.fields["act_testapp__paint"].label == "Paint the wall"
        services.phase_update(actor=personas.worker, phase=phase, name=phase.name,
                              starts_on=phase.starts_on, ends_on=phase.ends_on,
                              actions={**phase.actions, "testapp.paint": ["verified"]})
        with freeze_phase(phase):
            assert who_may(personas, "testapp.paint", garden) == VERIFIED
        with freeze_phase(garden.phases.get(key="initiation")):
            assert who_may(personas, "testapp.paint", garden) == set()
        assert action in phase_actions.registered()
    finally:
        phase_actions.unregister("testapp.paint")


def test_an_action_with_its_own_permission_needs_it_too(personas, garden):
    phase_actions.register(phase_actions.PhaseAction(
        code="testapp.staffonly", label="x", perm="projects.manage_project"))
    try:
        phase = garden.phases.get(key="co_construction")
        Phase.objects.filter(pk=phase.pk).update(
            actions={**phase.actions, "testapp.staffonly": ["member", "team"]})
        from gongzhi.projects.models import TeamMember

        TeamMember.objects.create(project=garden, user=personas.worker,
                                  role=TeamMember.Role.WORKER)
        with freeze_phase(phase):
            # members are in the audience but lack the perm; the worker is in the team
            assert who_may(personas, "testapp.staffonly", garden) == {"worker"}
    finally:
        phase_actions.unregister("testapp.staffonly")


# --- the matrix: roles × phases × actions (garden template) -------------------------------

GARDEN_PHASES = ["initiation", "needs_survey", "co_design", "deliberation", "decision",
                 "co_construction", "operation", "evaluation", "sharing"]


@pytest.mark.parametrize("key", GARDEN_PHASES)
def test_matrix_every_registered_action_in_every_phase(personas, garden, key):
    phase = garden.phases.get(key=key)
    with freeze_phase(phase):
        for action in phase_actions.registered():
            wanted = set(phase.audiences(action.code))
            expected = {n for n, aud in PERSONA_AUDIENCES.items() if aud & wanted}
            assert who_may(personas, action.code, garden) == expected, (key, action.code)


@pytest.mark.parametrize(("code", "key", "who"), [
    ("projects.propose", "needs_survey", VERIFIED),
    ("projects.propose", "decision", set()),
    ("projects.comment", "initiation", MEMBERS),
    ("decisions.vote", "decision", VERIFIED),
    ("decisions.vote", "deliberation", set()),
    ("meetings.attend", "initiation", MEMBERS),
    ("meetings.attend", "evaluation", set()),
    ("projects.signup", "co_construction", MEMBERS),
    ("projects.donate", "co_construction", MEMBERS),
    ("projects.donate", "evaluation", set()),
    ("projects.evaluate", "evaluation", VERIFIED),
])
def test_matrix_key_cells(personas, garden, code, key, who):
    with freeze_phase(garden.phases.get(key=key)):
        assert who_may(personas, code, garden) == who


def test_nothing_is_open_after_the_last_phase_or_in_another_community(personas, garden):
    with freeze_after(garden):
        for action in phase_actions.registered():
            assert who_may(personas, action.code, garden) == set()
    other = services.project_create(actor=personas.other_admin,
                                    community=personas.other_community,
                                    template=ProjectTemplate.objects.get(key="garden"),
                                    title="隔壁")
    with freeze_phase(other.phases.get(key="needs_survey")):
        assert who_may(personas, "projects.propose", other) == set()


def test_a_closed_project_opens_nothing(personas, garden):
    garden.status = "closed"
    garden.save()
    with freeze_phase(garden.phases.get(key="needs_survey")):
        assert who_may(personas, "projects.propose", garden) == set()


# --- decisions: a project's ballot follows the phase ------------------------------------

@pytest.fixture
def garden_ballot(personas, garden):
    from gongzhi.decisions import services as dsvc

    ballot = dsvc.ballot_create(actor=personas.admin, community=personas.community,
                                title="花园方案", method="approval", project=garden,
                                options=[{"key": "a", "label": "方案A", "cost": 400},
                                         {"key": "b", "label": "方案B", "cost": 300}])
    dsvc.ballot_open(actor=personas.admin, ballot=ballot)
    return ballot


def _voters(personas, ballot) -> set[str]:
    from django.contrib.auth.models import AnonymousUser

    found = set()
    for name in NAMES:
        user = personas.user(name)
        user = AnonymousUser() if user is None else fresh(user)
        if user.has_perm("decisions.vote", ballot):
            found.add(name)
    return found


def test_a_ballot_in_a_project_takes_votes_only_in_the_vote_phase(personas, garden,
                                                                   garden_ballot):
    with freeze_phase(garden.phases.get(key="decision")):
        assert _voters(personas, garden_ballot) == VERIFIED
    for key in ("deliberation", "co_construction"):
        with freeze_phase(garden.phases.get(key=key)):
            assert _voters(personas, garden_ballot) == set()


def test_a_ballot_without_a_project_ignores_phases(personas):
    from gongzhi.decisions import services as dsvc

    ballot = dsvc.ballot_create(actor=personas.admin, community=personas.community,
                                title="无项目", method="approval",
                                options=[{"key": "a", "label": "A", "cost": 1},
                                         {"key": "b", "label": "B", "cost": 2}])
    dsvc.ballot_open(actor=personas.admin, ballot=ballot)
    assert _voters(personas, ballot) == VERIFIED


def test_the_vote_service_and_api_refuse_outside_the_phase(personas, garden, garden_ballot):
    from gongzhi.decisions import services as dsvc
    from gongzhi.decisions.models import VoterRecord

    with freeze_phase(garden.phases.get(key="deliberation")):
        with pytest.raises(PermissionDenied):
            dsvc.vote_cast(user=fresh(personas.verified), ballot=garden_ballot,
                           content={"approve": ["a"]})
        r = personas.client("verified").post(
            f"/api/v1/decisions/ballots/{garden_ballot.pk}/vote",
            {"content": {"approve": ["a"]}}, content_type="application/json")
        assert r.status_code == 403
        assert r["Content-Type"].startswith("application/problem+json")
    assert VoterRecord.objects.count() == 0
    with freeze_phase(garden.phases.get(key="decision")):
        receipt = dsvc.vote_cast(user=fresh(personas.verified), ballot=garden_ballot,
                                 content={"approve": ["a"]})
    assert receipt.created and VoterRecord.objects.count() == 1


# --- meetings: a project's meeting follows the phase ------------------------------------

def test_a_meeting_in_a_project_takes_registrations_only_while_attend_is_open(personas,
                                                                             garden):
    from gongzhi.meetings.models import MeetingKind
    from gongzhi.meetings.tests.conftest import make_meeting

    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, project=garden)

    def registrants():
        from django.contrib.auth.models import AnonymousUser

        out = set()
        for name in NAMES:
            user = personas.user(name)
            user = AnonymousUser() if user is None else fresh(user)
            if user.has_perm("meetings.register", meeting):
                out.add(name)
        return out

    with freeze_phase(garden.phases.get(key="co_design")):
        assert registrants() == MEMBERS
    with freeze_phase(garden.phases.get(key="evaluation")):
        assert registrants() == set()
    from gongzhi.meetings import services as msvc

    with freeze_phase(garden.phases.get(key="evaluation")), \
            pytest.raises(PermissionDenied):
        msvc.registration_create(actor=fresh(personas.verified), meeting=meeting)


# --- the project page shows the blocks its phases use -----------------------------------

def _page(personas, project, who="verified") -> str:
    url = reverse("projects:detail", args=[personas.community.slug, project.pk])
    r = personas.client(who).get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_a_contest_page_has_no_garden_sections(personas):
    contest = make(personas, "contest", "社区标志征集")
    with freeze_phase(contest.phases.get(key="submissions")):
        html = _page(personas, contest)
        worker_html = _page(personas, contest, "worker")
    # entries go to the contest (contests.enter), not the proposal form
    assert 'id="h-proposals"' not in html and 'id="h-contest"' in worker_html
    for section in ('id="h-tasks"', 'id="h-donations"', 'id="h-photos"', 'id="h-eval"'):
        assert section not in html and section not in worker_html


def test_a_garden_page_has_its_co_building_sections(personas, garden):
    with freeze_phase(garden.phases.get(key="co_construction")):
        worker_html = _page(personas, garden, "worker")
        html = _page(personas, garden)
    for section in ('id="h-tasks"', 'id="h-donations"', 'id="h-photos"'):
        assert section in worker_html
    # a resident sees the donations block (pledging is open) but no empty task list
    assert 'id="h-donations"' in html and 'id="h-tasks"' not in html


def test_the_ballot_block_appears_in_a_project_with_ballots(personas, garden, garden_ballot):
    with freeze_phase(garden.phases.get(key="decision")):
        html = _page(personas, garden)
    assert 'id="h-ballots"' in html and "花园方案" in html
    assert reverse("decisions:detail", args=[personas.community.slug, garden_ballot.pk]) in html


def test_a_worker_is_not_told_nothing_is_open_while_residents_may_propose(personas, garden):
    from django.utils import translation

    with freeze_phase(garden.phases.get(key="needs_survey")), translation.override("zh-hans"):
        html = _page(personas, garden, "worker")
        resident_html = _page(personas, garden, "verified")
    assert "本阶段暂无对您开放的参与方式" not in html
    assert reverse("projects:proposals", args=[personas.community.slug, garden.pk]) in html
    assert reverse("projects:proposal_create",
                   args=[personas.community.slug, garden.pk]) in resident_html


# --- the data migration from the old enum ------------------------------------------------

def test_the_data_migration_maps_old_values_to_codes(personas):
    from django.apps import apps

    mig = importlib.import_module("gongzhi.projects.migrations.0004_phase_action_codes")
    garden = make(personas, "garden", "旧花园")
    contest = make(personas, "contest", "旧比赛")
    old = {"propose": ["verified"], "vote": ["verified"], "attend": ["member"],
           "signup": ["member"]}
    Phase.objects.filter(project__in=[garden, contest]).update(actions=old)
    ProjectTemplate.objects.filter(key="contest").update(
        phases=[{"key": "x", "actions": {"comment": ["member"]}}])
    mig.forwards(apps, None)
    assert Phase.objects.filter(project=contest).first().actions == {
        "projects.propose": ["verified"], "decisions.vote": ["verified"],
        "meetings.attend": ["member"], "projects.signup": ["member"]}
    assert Phase.objects.filter(project=garden).first().actions["projects.donate"] == ["member"]
    assert ProjectTemplate.objects.get(key="contest").phases[0]["actions"] == {
        "projects.comment": ["member"]}
    mig.forwards(apps, None)  # idempotent
    assert "projects.propose" in Phase.objects.filter(project=contest).first().actions
    mig.backwards(apps, None)
    assert Phase.objects.filter(project=contest).first().actions == old


def test_the_data_migration_keeps_existing_meetings_and_ballots_of_projects_open(personas):
    import datetime as dt

    from django.apps import apps
    from django.utils import timezone

    from gongzhi.meetings.tests.conftest import make_meeting

    mig = importlib.import_module("gongzhi.projects.migrations.0004_phase_action_codes")
    contest = make(personas, "contest", "旧比赛")
    first = contest.phases.get(key="submissions")
    Phase.objects.filter(project=contest).update(actions={"comment": ["member"]})
    day = first.starts_on + dt.timedelta(days=2)
    meeting = make_meeting(personas.community, project=contest)
    meeting.starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(19)))
    meeting.save()
    mig.forwards(apps, None)
    first.refresh_from_db()
    assert first.actions["meetings.attend"] == ["member", "org_member"]
    assert "meetings.attend" not in contest.phases.get(key="vote").actions
