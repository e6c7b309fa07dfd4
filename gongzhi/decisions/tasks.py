"""The sequencer as a task: after a vote commits and a batch is full, the task worker
seals the ballot's pending entries (see ``services.ballot_seal``).

A task that finds another sequencer holding the ballot's chain head does nothing, so the
one holding it seals again after it commits: votes that filled a batch while it held the
head (whose own task was the one that did nothing) are sealed then, not left for the
periodic job."""

from __future__ import annotations

from django_tasks import task


@task()
def seal_ballot(ballot_id: int) -> int:
    from django.core.cache import cache

    from gongzhi.decisions.models import Ballot
    from gongzhi.decisions.services import ballot_seal, seal_enqueued_key

    cache.delete(seal_enqueued_key(ballot_id))  # votes from now on may ask for another run
    ballot = Ballot.objects.filter(pk=ballot_id).first()
    if ballot is None:
        return 0
    sealed = 0
    while count := ballot_seal(ballot=ballot):  # until less than a batch waits
        sealed += count
    return sealed
