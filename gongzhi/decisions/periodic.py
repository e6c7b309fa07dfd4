from __future__ import annotations

from gongzhi.core.periodic import periodic


@periodic("decisions.open_close_due", minutes=1)
def open_close_due():
    from gongzhi.decisions.services import ballot_open_close_due

    return ballot_open_close_due()


@periodic("decisions.seal_pending", minutes=1)
def seal_pending():
    """The sequencer's safety net: full batches the task worker has not sealed yet."""
    from gongzhi.decisions.services import ballots_seal_pending

    return ballots_seal_pending()
