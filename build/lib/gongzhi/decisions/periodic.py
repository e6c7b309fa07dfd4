from __future__ import annotations

from gongzhi.core.periodic import periodic


@periodic("decisions.open_close_due", minutes=1)
def open_close_due():
    from gongzhi.decisions.services import ballot_open_close_due

    return ballot_open_close_due()
