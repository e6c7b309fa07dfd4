"""Who may do what with activities (django-rules); the matrix is in docs/activities.md.

* workers of the community (and its admins, the subdistrict admin) create activities;
* the organisers — the worker named as organiser, the leader of the organising volunteer
  team, a member of the organising organisation — and workers edit an activity, cancel or
  move an occurrence, mark attendance and upload photos;
* the registrant list with names: organisers and workers; children's ages: organisers only;
* any member of the community (pending residents too) registers themselves (not for an
  activity for children only) or their children for an open, future occurrence; an
  activity of a project only while the project's phase opens ``activities.register``
  (the phase-action registry);
* everyone sees activities; anonymous people see no names.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_worker
from gongzhi.activities.models import Activity, ActivityPhoto, Occurrence, Registration
from gongzhi.projects.rules import phase_allows_if_in_project


def activity_of(obj) -> Activity | None:
    if isinstance(obj, Activity):
        return obj
    if isinstance(obj, Occurrence | ActivityPhoto):
        return obj.activity
    if isinstance(obj, Registration):
        return obj.occurrence.activity
    return None


@rules.predicate
def is_organiser(user, obj=None) -> bool:
    activity = activity_of(obj)
    if activity is None or not user.is_authenticated:
        return False
    if activity.organiser_user_id == user.pk:
        return True
    kind = activity.organiser_kind
    team = activity.organiser_team if activity.organiser_team_id else None
    if kind == Activity.Organiser.TEAM and team is not None:
        return team.leader_id == user.pk
    if kind == Activity.Organiser.ORG and activity.organiser_org_id:
        from gongzhi.orgs.models import OrgMember

        return OrgMember.objects.filter(organisation_id=activity.organiser_org_id,
                                        user=user).exists()
    return False


@rules.predicate
def occurrence_open(user, obj=None) -> bool:
    if not isinstance(obj, Occurrence):
        return False
    activity = obj.activity
    return (obj.status == Occurrence.Status.SCHEDULED and not obj.is_past
            and activity.cancelled_at is None and activity.registration_open)


@rules.predicate
def takes_children(user, obj=None) -> bool:
    activity = activity_of(obj)
    return activity is not None and activity.allow_children


@rules.predicate
def open_to_adults(user, obj=None) -> bool:
    """An activity for children (maximum age under 18, guardians register them) takes no
    self-registration: the guardian registers the child."""
    activity = activity_of(obj)
    return activity is not None and not (activity.allow_children
                                         and activity.max_age is not None
                                         and activity.max_age < 18)


def _in_project_phase(user, obj=None) -> bool:
    return phase_allows_if_in_project("activities.register")(user, activity_of(obj))


in_project_phase = rules.predicate(_in_project_phase, name="activities_in_project_phase")

can_organise = is_worker | is_organiser

rules.add_perm("activities.view", rules.always_allow)
rules.add_perm("activities.create", is_worker)                # on a community
rules.add_perm("activities.organise", can_organise)          # on an activity or occurrence
rules.add_perm("activities.view_registrants", can_organise)
rules.add_perm("activities.view_child_ages", is_organiser)
rules.add_perm("activities.register", rules.is_authenticated & is_member & occurrence_open
               & open_to_adults & in_project_phase)
rules.add_perm("activities.register_child", rules.is_authenticated & is_member
               & occurrence_open & takes_children & in_project_phase)
rules.add_perm("activities.upload_photo", can_organise)
