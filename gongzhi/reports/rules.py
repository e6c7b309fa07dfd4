"""Who may do what with problem reports.

- Any signed-in member of the community (pending or verified resident) may report and add
  "me too"; verified residents' reports carry a "verified resident" mark. Workers may also
  report (on behalf of someone who phoned in, for instance).
- Workers, community admins and the subdistrict admin accept, refuse, assign, resolve and
  moderate; they see hidden reports and who reported an anonymous one.
- Members of the organisation a report is assigned to (orgs.OrgMember) may start work on
  it and mark it resolved.
- Only the reporter confirms a fix or reopens the report.
- The community admin edits the response targets.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.access import org_memberships
from gongzhi.accounts.rules import is_community_admin, is_member, is_worker


@rules.predicate
def is_reporter(user, report) -> bool:
    return (getattr(user, "is_authenticated", False) and report is not None
            and getattr(report, "reporter_id", None) == user.pk)


@rules.predicate
def is_assigned_org_member(user, report) -> bool:
    org_id = getattr(report, "organisation_id", None)
    if not org_id or not getattr(user, "is_authenticated", False):
        return False
    return org_id in org_memberships(user)  # the request's access rows: no query


@rules.predicate
def is_any_org_member(user, community) -> bool:
    if not getattr(user, "is_authenticated", False) or community is None:
        return False
    return community.pk in org_memberships(user).values()


rules.add_perm("reports.view", rules.always_allow)
rules.add_perm("reports.create", is_member | is_worker)
rules.add_perm("reports.me_too", is_member | is_worker)
rules.add_perm("reports.accept", is_worker)
rules.add_perm("reports.refuse", is_worker)
rules.add_perm("reports.assign", is_worker)
rules.add_perm("reports.start", is_worker | is_assigned_org_member)
rules.add_perm("reports.resolve", is_worker | is_assigned_org_member)
rules.add_perm("reports.confirm", is_reporter)
rules.add_perm("reports.reopen", is_reporter)
rules.add_perm("reports.moderate", is_worker)
rules.add_perm("reports.view_hidden", is_worker)
rules.add_perm("reports.view_reporter", is_worker)
rules.add_perm("reports.view_queue", is_worker | is_any_org_member)
rules.add_perm("reports.view_stats", is_worker)
rules.add_perm("reports.manage_targets", is_community_admin)
