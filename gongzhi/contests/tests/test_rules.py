"""Persona × action matrix for contests (allowed and refused, each cell)."""

import pytest

from gongzhi.contests import services
from gongzhi.contests.tests.conftest import enter, fresh, make_contest, to_stage

ALL = ("anonymous", "outsider", "resident", "verified", "owner", "volunteer", "worker",
       "admin", "other_admin", "subdistrict_admin", "property_member")
STAFF = {"worker", "admin", "subdistrict_admin"}
MEMBERS = {"resident", "verified", "owner", "volunteer"}
VERIFIED = {"verified", "owner", "volunteer"}


def who_may(cast, perm, obj) -> set[str]:
    from django.contrib.auth.models import AnonymousUser

    out = set()
    for name in ALL:
        user = fresh(cast[name]) or AnonymousUser()
        if user.has_perm(perm, obj):
            out.add(name)
    return out


def test_create_contest(personas, cast):
    assert who_may(cast, "contests.create", personas.community) == STAFF


def test_enter_is_for_members_while_entries_are_open(personas, cast, logo_contest):
    assert who_may(cast, "contests.enter", logo_contest) == MEMBERS
    verified_only = make_contest(personas, entrants="verified")
    assert who_may(cast, "contests.enter", verified_only) == VERIFIED
    assert who_may(cast, "contests.enter", to_stage(logo_contest, "exhibition")) == set()


def test_nobody_enters_a_draft_and_only_staff_see_it(personas, cast):
    draft = make_contest(personas, publish=False)
    assert who_may(cast, "contests.enter", draft) == set()
    assert who_may(cast, "contests.view", draft) == STAFF


def test_moderate(cast, logo_contest):
    assert who_may(cast, "contests.moderate", logo_contest) == STAFF


def test_vote_is_for_eligible_voters_while_the_ballot_is_open(personas, cast,
                                                              gallery_contest):
    assert who_may(cast, "contests.vote", gallery_contest) == set()
    contest = services.contest_voting_open(actor=personas.worker, contest=gallery_contest)
    assert who_may(cast, "contests.vote", contest) == VERIFIED


def test_results_are_for_staff_until_announced_then_for_everyone(personas, cast,
                                                                 gallery_contest):
    assert who_may(cast, "contests.view_results", gallery_contest) == STAFF
    contest = services.contest_voting_open(actor=personas.worker, contest=gallery_contest)
    contest = services.contest_announce(actor=personas.worker, contest=contest)
    assert who_may(cast, "contests.view_results", contest) == set(ALL)


def test_withdraw_is_for_the_entrant_only(personas, cast, logo_contest):
    entry = enter(personas.verified, logo_contest)
    assert who_may(cast, "contests.withdraw_entry", entry) == {"verified"}


def test_jury_scores_are_for_jury_members_from_the_exhibition(personas, cast):
    contest = make_contest(personas, jury_weight="0.3", jury_criteria=["创意"])
    services.jury_member_add(actor=personas.worker, contest=contest, user=personas.owner)
    assert who_may(cast, "contests.jury_score", contest) == set()
    assert who_may(cast, "contests.jury_score", to_stage(contest, "exhibition")) == {"owner"}


@pytest.mark.parametrize("code", ["contests.enter", "contests.vote"])
def test_the_phase_actions_are_registered(code):
    from gongzhi.projects import phase_actions

    assert phase_actions.get(code).code == code


def test_a_contest_in_a_project_takes_entries_only_in_the_phase_that_opens_them(personas,
                                                                                 cast):
    from gongzhi.projects.models import ProjectTemplate
    from gongzhi.projects.services import project_create
    from gongzhi.projects.tests.helpers import freeze_phase

    project = project_create(actor=personas.worker, community=personas.community,
                             template=ProjectTemplate.objects.get(key="contest"),
                             title="社区标志征集")
    contest = make_contest(personas, project=project)
    with freeze_phase(project.phases.get(key="submissions")):
        contest.project.__dict__.pop("_gz_current", None)
        assert who_may(cast, "contests.enter", contest) == MEMBERS
    with freeze_phase(project.phases.get(key="exhibition")):
        contest.project.__dict__.pop("_gz_current", None)
        assert who_may(cast, "contests.enter", contest) == set()
