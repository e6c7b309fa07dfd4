"""The whole API schema fuzzed with schemathesis (issue 8, item 5): anonymous, as a
resident and as a worker (token auth), no server error and no response that breaks its
declared schema. Bounded for CI: a few derandomized examples per operation."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from gongzhi.accounts.services import api_token_create

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# CI runs a few derandomized examples per operation; for a deeper hunt run with e.g.
# GONGZHI_FUZZ_EXAMPLES=200 GONGZHI_FUZZ_RANDOM=1.
MAX_EXAMPLES = int(os.environ.get("GONGZHI_FUZZ_EXAMPLES", "6"))
DERANDOMIZE = not os.environ.get("GONGZHI_FUZZ_RANDOM")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request; inside the test's
    transaction that would close it on PostgreSQL. Django's test client does the same."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(personas) -> dict[str, str]:
    return {"anonymous": "",
            "resident": api_token_create(user=personas.owner, name="fuzz")[1],
            "worker": api_token_create(user=personas.worker, name="fuzz")[1]}


@schema.parametrize()
@hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=DERANDOMIZE,
                     phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=list(HealthCheck))
def test_api_schema(case, tokens):
    for who, token in tokens.items():
        # identity: the WSGI transport hands schemathesis the raw body, and the app gzips
        # responses for clients that accept it (tested in core/tests/test_serving.py)
        headers = {"Accept-Encoding": "identity"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            case.call_and_validate(headers=headers, checks=[not_a_server_error,
                                                            response_schema_conformance])
        except Exception as exc:
            exc.add_note(f"as {who}")
            raise
