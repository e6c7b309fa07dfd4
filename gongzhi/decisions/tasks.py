"""The sequencer as a task: after a vote commits and a batch is full, the task worker
seals the ballot's pending entries (see ``services.ballot_seal``)."""

from __future__ import annotations

from django_tasks import task


@task()
def seal_ballot(ballot_id: int) -> int:
    from django.core.cache import cache

    from gongzhi.decisions.models import Ballot
    from gongzhi.decisions.services import ballot_seal, seal_enqueued_key

    cache.delete(seal_enqueued_key(ballot_id))  # votes from now on may ask for another run
    ballot = Ballot.objects.filter(pk=ballot_id).first()
    return ballot_seal(ballot=ballot) if ballot is not None else 0
