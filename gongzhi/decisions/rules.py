"""Who may do what with a ballot, per state (the permissions matrix, see docs/decisions.md).

=========================  ===================================================
verb                       who, when
=========================  ===================================================
decisions.manage_ballot    workers / admins (create, open, close, import)
decisions.enter_paper      workers / admins, while the ballot is open
decisions.view_ballot      anyone once opened; drafts: workers / admins
decisions.vote             eligible voters (frozen table), while open; for a ballot
                           of a project also while the project's phase opens
                           ``decisions.vote`` to the voter (decisions/phases.py)
decisions.view_results     anyone once closed
decisions.view_progress    anyone while open or closed, where the method's rules
                           allow live progress (Art. 278 thresholds)
decisions.view_receipts    anyone once opened (receipt check, verification list)
decisions.export           anyone once closed
=========================  ===================================================
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_worker
from gongzhi.decisions.models import Ballot, BallotState, Method
from gongzhi.projects.rules import phase_allows_if_in_project


def _ballot(obj) -> Ballot | None:
    return obj if isinstance(obj, Ballot) else None


@rules.predicate
def is_draft(user, obj) -> bool:
    b = _ballot(obj)
    return b is not None and b.state == BallotState.DRAFT


@rules.predicate
def is_open(user, obj) -> bool:
    b = _ballot(obj)
    return b is not None and b.state == BallotState.OPEN


@rules.predicate
def is_closed(user, obj) -> bool:
    b = _ballot(obj)
    return b is not None and b.state == BallotState.CLOSED


@rules.predicate
def has_live_progress(user, obj) -> bool:
    b = _ballot(obj)
    return b is not None and b.method == Method.ART278


@rules.predicate
def is_eligible(user, obj) -> bool:
    b = _ballot(obj)
    if b is None or not user.is_authenticated:
        return False
    from gongzhi.decisions.selectors import eligibility_for_user

    return bool(eligibility_for_user(b, user))


rules.add_perm("decisions.manage_ballot", is_worker)
rules.add_perm("decisions.enter_paper", is_worker & is_open)
rules.add_perm("decisions.view_ballot", ~is_draft | is_worker)
rules.add_perm("decisions.vote", is_open & is_eligible
               & phase_allows_if_in_project("decisions.vote"))
rules.add_perm("decisions.view_results", is_closed)
rules.add_perm("decisions.view_progress", (is_open | is_closed) & has_live_progress)
rules.add_perm("decisions.view_receipts", is_open | is_closed)
rules.add_perm("decisions.export", is_closed)
