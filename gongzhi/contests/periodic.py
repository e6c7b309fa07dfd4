from __future__ import annotations

from gongzhi.core.periodic import periodic


@periodic("contests.open_voting_due", minutes=5)
def open_voting_due():
    """Open the public vote of contests whose voting date has come (the decisions app's
    own job closes the ballot at ``voting_closes``)."""
    from gongzhi.contests.services import contests_open_due

    return contests_open_due()
