"""Who may do what in contests (django-rules); the matrix is in docs/contests.md.

* workers (and community / area admins) create, publish, moderate and announce contests;
* members enter while entries are open (verified residents only when the contest says
  so); a contest inside a project also needs the project's phase to open
  ``contests.enter`` to them (the phase-action registry);
* everyone may see a published contest and its approved entries; the public vote is the
  decisions app's ballot (``decisions.vote`` decides who is eligible) and, inside a
  project, the phase must open ``contests.vote``;
* jury members score entries once the exhibition starts and until the announcement;
* results (vote counts, jury scores) are public once announced, to staff before.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_verified_resident, is_worker
from gongzhi.contests.models import Contest, Entrants, Entry, JuryMember, Stage
from gongzhi.projects.rules import phase_allows_if_in_project


def contest_of(obj) -> Contest | None:
    if isinstance(obj, Contest):
        return obj
    if isinstance(obj, Entry):
        return obj.contest
    return None


@rules.predicate
def is_published(user, obj=None) -> bool:
    contest = contest_of(obj)
    return contest is not None and contest.published_at is not None


def _stage_is(*stages: str) -> rules.Predicate:
    wanted = frozenset(stages)

    @rules.predicate("contest_stage:" + ",".join(sorted(wanted)))
    def _pred(user, obj=None) -> bool:
        contest = contest_of(obj)
        return contest is not None and contest.stage in wanted

    return _pred


@rules.predicate
def may_enter_by_role(user, obj=None) -> bool:
    contest = contest_of(obj)
    if contest is None:
        return False
    if contest.entrants == Entrants.VERIFIED:
        return is_verified_resident(user, contest)
    return is_member(user, contest)


@rules.predicate
def is_entrant(user, obj=None) -> bool:
    return (isinstance(obj, Entry) and user.is_authenticated
            and obj.entrant_id is not None and obj.entrant_id == user.pk)


@rules.predicate
def is_juror(user, obj=None) -> bool:
    contest = contest_of(obj)
    if contest is None or not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_gz_contest_jury", {})
    if contest.pk not in cache:
        cache[contest.pk] = JuryMember.objects.filter(contest=contest, user=user).exists()
    return cache[contest.pk]


@rules.predicate
def ballot_open_to_user(user, obj=None) -> bool:
    contest = contest_of(obj)
    if contest is None or contest.ballot_id is None or not user.is_authenticated:
        return False
    return user.has_perm("decisions.vote", contest.ballot)


@rules.predicate
def has_jury(user, obj=None) -> bool:
    contest = contest_of(obj)
    return contest is not None and contest.has_jury


def _in_phase(code: str) -> rules.Predicate:
    def fn(user, obj=None) -> bool:
        return phase_allows_if_in_project(code)(user, contest_of(obj))

    return rules.predicate(fn, name=f"contests_in_phase:{code}")


is_announced = _stage_is(Stage.ANNOUNCED)

rules.add_perm("contests.view", is_published | is_worker)
rules.add_perm("contests.create", is_worker)                 # on a community
rules.add_perm("contests.manage", is_worker)                 # on a contest
rules.add_perm("contests.moderate", is_worker)
rules.add_perm("contests.enter", rules.is_authenticated & is_published & may_enter_by_role
               & _stage_is(Stage.SUBMISSION) & _in_phase("contests.enter"))
rules.add_perm("contests.withdraw_entry", is_entrant & ~is_announced)
rules.add_perm("contests.vote", is_published & _stage_is(Stage.VOTING) & ballot_open_to_user
               & _in_phase("contests.vote"))
rules.add_perm("contests.jury_score", has_jury & is_juror
               & _stage_is(Stage.EXHIBITION, Stage.VOTING, Stage.COUNTING))
rules.add_perm("contests.view_results", (is_published & is_announced) | is_worker)
