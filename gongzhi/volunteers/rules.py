"""Who may do what in the volunteer corps (django-rules); the matrix is in docs/volunteers.md.

* workers (and community / area admins) run corps, teams, opportunities and shifts;
* a team leader records check-ins and confirms hours for the shifts of their team;
* any member of the community (pending residents too: helping needs no verification) signs
  up for an open, future shift; a shift of a project's opportunity only while the project's
  phase opens ``volunteers.signup`` to them (the phase-action registry);
* everyone sees opportunities and shifts; rosters with names only staff and the leader.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_worker
from gongzhi.projects.rules import phase_allows_if_in_project
from gongzhi.volunteers.models import Opportunity, Shift, ShiftSignup, Team


def team_of(obj) -> Team | None:
    if isinstance(obj, Team):
        return obj
    if isinstance(obj, Opportunity):
        return obj.team
    if isinstance(obj, Shift):
        return obj.opportunity.team
    if isinstance(obj, ShiftSignup):
        return obj.shift.opportunity.team
    return None


def opportunity_of(obj) -> Opportunity | None:
    if isinstance(obj, Opportunity):
        return obj
    if isinstance(obj, Shift):
        return obj.opportunity
    if isinstance(obj, ShiftSignup):
        return obj.shift.opportunity
    return None


@rules.predicate
def is_team_leader(user, obj=None) -> bool:
    team = team_of(obj)
    return (team is not None and user.is_authenticated and team.leader_id is not None
            and team.leader_id == user.pk)


@rules.predicate
def shift_open_for_signup(user, obj=None) -> bool:
    if not isinstance(obj, Shift):
        return False
    return (obj.cancelled_at is None and not obj.is_past and obj.opportunity.is_active)


def _in_project_phase(user, obj=None) -> bool:
    return phase_allows_if_in_project("volunteers.signup")(user, opportunity_of(obj))


in_project_phase = rules.predicate(_in_project_phase, name="volunteers_in_project_phase")

can_lead = is_worker | is_team_leader

rules.add_perm("volunteers.view", rules.always_allow)
rules.add_perm("volunteers.manage", is_worker)               # on a community or any object
rules.add_perm("volunteers.lead", can_lead)                   # on a team, shift or sign-up
rules.add_perm("volunteers.sign_up", rules.is_authenticated & is_member
               & shift_open_for_signup & in_project_phase)
rules.add_perm("volunteers.view_own", rules.is_authenticated)
