"""Who may do what with surveys.

- Workers (and admins, the subdistrict admin) manage instruments and surveys, enter paper
  questionnaires, send reminders and see aggregate results.
- Residents answer open linked surveys of their community; anyone with the link answers an
  open anonymous survey.
- Raw responses (pseudonymised: respondent keys, never names) and the exports: the
  survey's owners only — not other workers, not admins.
- Aggregate results: workers always; verified residents once the survey is closed.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_verified_resident, is_worker


@rules.predicate
def is_open(user, survey) -> bool:
    return getattr(survey, "status", None) == "open"


@rules.predicate
def is_closed(user, survey) -> bool:
    return getattr(survey, "status", None) == "closed"


@rules.predicate
def is_anonymous_survey(user, survey) -> bool:
    return bool(getattr(survey, "anonymous", False))


@rules.predicate
def is_survey_owner(user, survey) -> bool:
    if not getattr(user, "is_authenticated", False) or survey is None:
        return False
    cache = getattr(survey, "_owner_ids", None)
    if cache is None:
        cache = set(survey.owners.values_list("id", flat=True))
        survey._owner_ids = cache
    return user.pk in cache


rules.add_perm("surveys.view_surveys", is_member | is_worker)
rules.add_perm("surveys.manage_surveys", is_worker)
rules.add_perm("surveys.view_survey", is_worker | (is_member & (is_open | is_closed)))
@rules.predicate
def follows_phase(user, survey) -> bool:
    """A project's survey is answered only while the project's phase opens it."""
    from gongzhi.surveys.phases import phase_opens

    return phase_opens(user, survey)


rules.add_perm("surveys.respond", is_open & follows_phase & (is_anonymous_survey | is_member))
rules.add_perm("surveys.enter_paper", is_worker & is_open)
rules.add_perm("surveys.view_results", is_worker | (is_verified_resident & is_closed))
rules.add_perm("surveys.view_raw", is_survey_owner & is_worker)
