"""Who may do what with meetings (django-rules). See docs/meetings.md for the matrix.

* workers, community admins and subdistrict admins create and edit meetings and record
  attendance, minutes, decisions and action items;
* registration: councils (居民议事会, 党群互助会) accept verified residents only, other
  kinds any member of the community, coordination meetings only invited organisations;
  members of an invited organisation may always register;
* the public sees announced meeting pages, and the minutes once they are published;
* check-in needs the meeting's code (checked in the service) and a right to attend;
* a meeting of a project takes registrations and check-ins only while the project's phase
  opens ``meetings.attend`` to the person (meetings/phases.py);
* members of the responsible organisation may update the status of their action items.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_verified_resident, is_worker
from gongzhi.meetings.models import Audience, Meeting
from gongzhi.projects.rules import phase_allows_if_in_project


def _meeting_of(obj) -> Meeting | None:
    if isinstance(obj, Meeting):
        return obj
    return getattr(obj, "meeting", None)


@rules.predicate
def meeting_is_public(user, obj) -> bool:
    meeting = _meeting_of(obj)
    return meeting is not None and meeting.is_public


@rules.predicate
def minutes_published(user, obj) -> bool:
    meeting = _meeting_of(obj)
    return meeting is not None and meeting.minutes_published_at is not None


@rules.predicate
def registration_is_open(user, obj) -> bool:
    meeting = _meeting_of(obj)
    return (meeting is not None and meeting.status == Meeting.Status.PUBLISHED
            and meeting.registration_open and not meeting.is_past)


@rules.predicate
def can_attend_meeting(user, obj) -> bool:
    meeting = _meeting_of(obj)
    if meeting is None or not meeting.is_public or meeting.status == Meeting.Status.CANCELLED:
        return False
    return meeting.status in (Meeting.Status.PUBLISHED, Meeting.Status.HELD)


@rules.predicate
def is_invited_org_member(user, obj) -> bool:
    meeting = _meeting_of(obj)
    if meeting is None or not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_gz_invited", {})
    if meeting.pk not in cache:
        from gongzhi.orgs.models import OrgMember

        cache[meeting.pk] = OrgMember.objects.filter(
            user=user, organisation__meeting_invitations__meeting=meeting,
            organisation__deleted_at__isnull=True).exists()
    return cache[meeting.pk]


@rules.predicate
def is_registered(user, obj) -> bool:
    meeting = _meeting_of(obj)
    if meeting is None or not user.is_authenticated:
        return False
    from gongzhi.meetings.models import Registration

    return Registration.objects.filter(meeting=meeting, user=user,
                                       status=Registration.Status.REGISTERED).exists()


@rules.predicate
def in_audience(user, obj) -> bool:
    meeting = _meeting_of(obj)
    if meeting is None:
        return False
    if meeting.audience == Audience.VERIFIED:
        return is_verified_resident(user, meeting.community)
    if meeting.audience == Audience.RESIDENTS:
        return is_member(user, meeting.community)
    return False


@rules.predicate
def is_responsible_org_member(user, item) -> bool:
    org_id = getattr(item, "responsible_org_id", None)
    if org_id is None or not user.is_authenticated:
        return False
    from gongzhi.orgs.models import OrgMember

    return OrgMember.objects.filter(user=user, organisation_id=org_id).exists()


def _worker_of_meeting(user, obj) -> bool:
    meeting = _meeting_of(obj)
    return meeting is not None and is_worker(user, meeting.community)


is_meeting_worker = rules.predicate(_worker_of_meeting, name="is_meeting_worker")
is_authenticated = rules.is_authenticated

rules.add_perm("meetings.view_meetings", rules.always_allow)
rules.add_perm("meetings.manage_meetings", is_worker)  # on a community: create, presets
rules.add_perm("meetings.view_meeting", is_meeting_worker | meeting_is_public)
rules.add_perm("meetings.manage_meeting", is_meeting_worker)  # edit, attendance, minutes...
rules.add_perm("meetings.view_minutes", is_meeting_worker | (meeting_is_public
                                                              & minutes_published))
rules.add_perm("meetings.view_attendee_names", is_meeting_worker)
in_project_phase = phase_allows_if_in_project("meetings.attend")

rules.add_perm("meetings.register", is_authenticated & registration_is_open
               & (in_audience | is_invited_org_member) & in_project_phase)
rules.add_perm("meetings.check_in", is_authenticated & can_attend_meeting
               & (in_audience | is_invited_org_member | is_registered) & in_project_phase)
rules.add_perm("meetings.view_invitations", is_authenticated)  # filtered to own orgs
rules.add_perm("meetings.update_action_item", is_meeting_worker | is_responsible_org_member)
