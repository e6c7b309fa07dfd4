"""Who may do what in a project: role × phase (the adhocracy4 pattern).

Participation verbs combine ``phase_allows(action)`` (the current phase opens the action)
with ``audience_allows(action)`` (the viewer belongs to an audience the phase names for
it). Staff verbs (moderate, answer, manage) depend on roles only. Views and the API ask
``user.has_perm("projects.<verb>", obj)``; nothing is hard-coded in them.

``obj`` is a Project or anything that leads to one (proposal, comment, task, amendment,
result with a project).
"""

from __future__ import annotations

import rules

from gongzhi.accounts.access import community_roles
from gongzhi.accounts.models import Role
from gongzhi.accounts.rules import is_member, is_worker
from gongzhi.projects import phase_actions
from gongzhi.projects.models import (
    Amendment,
    Audience,
    Comment,
    Project,
    Proposal,
    Result,
    TeamMember,
)


def project_of(obj) -> Project | None:
    if isinstance(obj, Project):
        return obj
    if isinstance(obj, Amendment):
        return obj.proposal.project
    return getattr(obj, "project", None)


TEAM_KIND = "t"
# the person's project-team rows, read with the request's access query (accounts.access):
# the cost is the person's own team memberships, never the size of a project
TEAM_SQL = "SELECT project_id, role FROM projects_teammember WHERE user_id = %s"


def _team_roles(user, project: Project) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    from gongzhi.accounts.access import own_rows

    return frozenset(role for project_id, role in own_rows(user, TEAM_KIND)
                     if project_id == project.pk)


def _in_stakeholder_org(user, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    from gongzhi.accounts.access import org_memberships

    if not org_memberships(user):  # most people belong to no organisation: no query
        return False
    cache: dict = user.__dict__.setdefault("_gz_project_orgs", {})
    if project.pk not in cache:
        from gongzhi.orgs.models import OrgMember

        cache[project.pk] = OrgMember.objects.filter(
            user=user, organisation__project_roles__project=project,
            organisation__deleted_at__isnull=True,
        ).exists()
    return cache[project.pk]


def user_audiences(user, project: Project, wanted: set[str] | None = None) -> set[str]:
    """The audiences ``user`` belongs to in ``project``. With ``wanted``, stops as soon as
    one of them is found (the organisation and team look-ups cost a query each, and a
    verified resident voting or supporting needs neither)."""
    roles = community_roles(user, project.community)
    found: set[str] = set()
    if roles & {Role.RESIDENT, Role.VERIFIED_RESIDENT}:
        found.add(Audience.MEMBER)
    if Role.VERIFIED_RESIDENT in roles:
        found.add(Audience.VERIFIED)
    if wanted is not None and found & wanted:
        return found
    if user.is_authenticated and (Role.ORG_MEMBER in roles or _in_stakeholder_org(user,
                                                                                    project)):
        found.add(Audience.ORG_MEMBER)
        if wanted is not None and found & wanted:
            return found
    if _team_roles(user, project):
        found.add(Audience.TEAM)
    return found


def phase_allows(code: str) -> rules.Predicate:
    """The registry's question as a predicate over ``(user, obj)``: ``code`` is open in the
    current phase of ``obj``'s project for an audience the user belongs to (and the action's
    own perm allows it). ``obj`` is a project or has ``.project``. Any app uses it."""

    @rules.predicate(f"phase_allows:{code}")
    def _phase_allows(user, obj=None) -> bool:
        return phase_actions.phase_allows(user, project_of(obj), code)

    return _phase_allows


def phase_open(code: str) -> rules.Predicate:
    """``code`` is open in the current phase of ``obj``'s project (for anyone)."""

    @rules.predicate(f"phase_open:{code}")
    def _phase_open(user, obj=None) -> bool:
        return phase_actions.phase_is_open_for(project_of(obj), code)

    return _phase_open


def phase_allows_if_in_project(code: str) -> rules.Predicate:
    """For objects of other apps that may belong to a project (a ballot, a meeting, a
    shift): true when ``obj.project`` is empty, else ``phase_allows(code)``."""

    @rules.predicate(f"phase_allows_if_in_project:{code}")
    def _check(user, obj=None) -> bool:
        if getattr(obj, "project_id", None) is None:
            return True
        return phase_actions.phase_allows(user, obj.project, code)

    return _check


def team_role(*codes: str) -> rules.Predicate:
    wanted = frozenset(codes)

    @rules.predicate("team_role:" + ",".join(sorted(wanted)))
    def _team_role(user, obj=None) -> bool:
        project = project_of(obj)
        return project is not None and bool(_team_roles(user, project) & wanted)

    return _team_role


@rules.predicate
def is_proposal_author(user, obj=None) -> bool:
    proposal = obj.proposal if isinstance(obj, Amendment) else obj
    return (isinstance(proposal, Proposal) and user.is_authenticated
            and proposal.author_id == user.pk)


@rules.predicate
def is_content_author(user, obj=None) -> bool:
    return (isinstance(obj, Proposal | Comment) and user.is_authenticated
            and obj.author_id == user.pk)


@rules.predicate
def proposal_open_for_support(user, obj=None) -> bool:
    return (isinstance(obj, Proposal) and obj.is_visible
            and obj.answer not in (Proposal.Answer.REJECTED, Proposal.Answer.MERGED))


@rules.predicate
def project_is_public(user, obj=None) -> bool:
    project = project_of(obj)
    return project is not None and project.status != Project.Status.DRAFT


@rules.predicate
def is_responsible_org_member(user, obj=None) -> bool:
    if not isinstance(obj, Result) or obj.responsible_org_id is None or not user.is_authenticated:
        return False
    from gongzhi.orgs.models import OrgMember

    return OrgMember.objects.filter(user=user, organisation_id=obj.responsible_org_id).exists()


is_project_manager = is_worker | team_role(TeamMember.Role.COORDINATOR)
can_moderate = is_worker | team_role(TeamMember.Role.COORDINATOR, TeamMember.Role.MODERATOR)
can_answer = is_worker | team_role(TeamMember.Role.COORDINATOR, TeamMember.Role.PLANNER)

rules.add_perm("projects.create_project", is_worker)
rules.add_perm("projects.view_project", project_is_public | is_project_manager)
rules.add_perm("projects.manage_project", is_project_manager)
rules.add_perm("projects.propose", phase_allows("projects.propose"))
rules.add_perm("projects.comment", phase_allows("projects.comment"))
rules.add_perm("projects.support", phase_allows("projects.support") & proposal_open_for_support)
rules.add_perm("projects.sign_up", phase_allows("projects.signup"))
rules.add_perm("projects.donate", phase_allows("projects.donate") | is_project_manager)
rules.add_perm("projects.evaluate", phase_allows("projects.evaluate"))
rules.add_perm("projects.edit_proposal", is_proposal_author & phase_open("projects.propose"))
rules.add_perm("projects.amend_proposal", phase_allows("projects.propose") & ~is_proposal_author
               & proposal_open_for_support)
rules.add_perm("projects.decide_amendment", is_proposal_author)
rules.add_perm("projects.report_abuse", is_member & ~is_content_author)
rules.add_perm("projects.moderate", can_moderate)
rules.add_perm("projects.answer_proposal", can_answer)
rules.add_perm("projects.merge_proposals", can_answer)
rules.add_perm("projects.update_result", is_project_manager | is_responsible_org_member)
rules.add_perm("projects.manage_result", is_project_manager)
rules.add_perm("projects.view_input", rules.is_authenticated)
