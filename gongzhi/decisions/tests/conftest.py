"""Helpers for the decisions tests (the engine's own tests live in tests/engine/)."""

from __future__ import annotations

import functools

import pytest

from gongzhi.decisions import services

_SEALED_AFTER = ("vote_cast", "vote_change", "vote_withdraw", "paper_entry_add")


@pytest.fixture(autouse=True)
def sequencer_runs_at_once(request, monkeypatch):
    """Most tests look at contents right after a vote, as if the sequencer ran at once
    with batches of one: each vote service is followed by ``ballot_seal`` (in its own
    transaction, as the task worker would). Tests of the pending state itself opt out
    with ``@pytest.mark.pending_seal``."""
    if request.node.get_closest_marker("pending_seal"):
        return

    def sealed_after(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            result = fn(*args, **kwargs)
            ballot = kwargs["ballot"]
            ballot.refresh_from_db(fields=["state"])
            services.ballot_seal(ballot=ballot, min_batch=1)
            return result
        return wrapper

    for name in _SEALED_AFTER:
        monkeypatch.setattr(services, name, sealed_after(getattr(services, name)))


@pytest.fixture
def make_ballot(personas):
    """``make_ballot(method=..., open=True, **params)`` as the community admin."""

    def make(method="approval", options=None, open=True, **params):
        if options is None:
            options = [{"key": "a", "label": "方案A", "cost": 400},
                       {"key": "b", "label": "方案B", "cost": 300},
                       {"key": "c", "label": "方案C", "cost": 200}]
        params.setdefault("title", "花园设计")
        ballot = services.ballot_create(actor=personas.admin, community=personas.community,
                                        method=method, options=options, **params)
        if open:
            services.ballot_open(actor=personas.admin, ballot=ballot)
        return ballot

    return make
