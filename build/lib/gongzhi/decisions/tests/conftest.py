"""Helpers for the decisions tests (the engine's own tests live in tests/engine/)."""

from __future__ import annotations

import pytest

from gongzhi.decisions import services


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
