"""The per-process cache of open ballots for votes (selectors.ballot_for_vote): it saves
the ballot and options queries, and a stale copy never lets a vote through on a closed
ballot or checked against changed options (the vote's statement checks the version)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts.services import api_token_create
from gongzhi.decisions import selectors, services
from gongzhi.decisions.models import Ballot, BallotContent, Option, PendingEntry, VoterRecord

BASE = "/api/v1/decisions"
PB_OPTIONS = [{"key": "a", "label": "方案A", "cost": 400},
              {"key": "b", "label": "方案B", "cost": 300},
              {"key": "c", "label": "方案C", "cost": 200}]


@pytest.fixture(autouse=True)
def empty_vote_cache():
    selectors.ballot_for_vote_forget()
    yield
    selectors.ballot_for_vote_forget()


def _vote(ballot_id, user, content):
    _token, raw = api_token_create(user=user, name="t")
    return Client().post(f"{BASE}/ballots/{ballot_id}/vote", data=json.dumps(
        {"content": content}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}")


def _pb(make_ballot, **params):
    return make_ballot(method="pb", options=PB_OPTIONS, budget=600,
                       pb_rule="greedy", secrecy="secret", **params)


@pytest.mark.django_db
def test_an_open_ballot_is_cached_with_its_options_and_each_call_gets_a_copy(make_ballot):
    ballot = _pb(make_ballot)
    first = selectors.ballot_for_vote(ballot.pk)
    with CaptureQueriesContext(connection) as ctx:
        second = selectors.ballot_for_vote(ballot.pk)
    assert len(ctx.captured_queries) == 0
    assert second is not first and second.pk == ballot.pk
    assert [o["key"] for o in second.vote_config["options"]] == ["a", "b", "c"]
    assert second.vote_config["budget"] == "600.00"
    assert selectors.ballot_for_vote(999_999) is None


@pytest.mark.django_db
def test_drafts_closed_ballots_and_project_ballots_are_not_cached(make_ballot, personas):
    draft = _pb(make_ballot, open=False)
    selectors.ballot_for_vote(draft.pk)
    closed = _pb(make_ballot)
    services.ballot_close(actor=personas.admin, ballot=closed)
    selectors.ballot_for_vote(closed.pk)
    assert draft.pk not in selectors._vote_cache and closed.pk not in selectors._vote_cache
    from gongzhi.projects.models import Project

    project = Project.objects.create(community=personas.community, title="花园",
                                     created_by=personas.worker)
    in_project = _pb(make_ballot, project=project)
    selectors.ballot_for_vote(in_project.pk)
    assert in_project.pk not in selectors._vote_cache  # its phase is read for every vote


@pytest.mark.django_db
def test_saving_a_ballot_or_an_option_here_forgets_it_at_once(make_ballot):
    ballot = _pb(make_ballot)
    selectors.ballot_for_vote(ballot.pk)
    assert ballot.pk in selectors._vote_cache
    Ballot.objects.get(pk=ballot.pk).save()
    assert ballot.pk not in selectors._vote_cache
    selectors.ballot_for_vote(ballot.pk)
    option = Option.objects.get(ballot=ballot, key="a")
    option.cost = Decimal(100)
    option.save()
    assert ballot.pk not in selectors._vote_cache


@pytest.mark.django_db
def test_any_write_to_the_ballot_or_its_options_moves_its_version(make_ballot):
    """What another process (or a raw UPDATE) changes is seen by the version check."""
    ballot = _pb(make_ballot)

    def version():
        return Ballot.objects.values_list("updated_at", flat=True).get(pk=ballot.pk)

    seen = [version()]
    Option.objects.filter(ballot=ballot, key="a").update(cost=Decimal(100))
    seen.append(version())
    Option.objects.filter(ballot=ballot, key="c").delete()
    seen.append(version())
    Option.objects.create(ballot=ballot, key="d", label="D", cost=Decimal(10), position=9)
    seen.append(version())
    Ballot.objects.filter(pk=ballot.pk).update(budget=Decimal(500))
    seen.append(version())
    assert len(set(seen)) == len(seen), seen


def _stale_copy_in_cache(ballot):
    """The ballot as another process cached it before the change below."""
    selectors.ballot_for_vote(ballot.pk)
    assert ballot.pk in selectors._vote_cache


@pytest.mark.django_db(transaction=True)
def test_a_stale_copy_never_lets_a_vote_through_on_a_closed_ballot(make_ballot, personas):
    ballot = _pb(make_ballot)
    _stale_copy_in_cache(ballot)
    # closed elsewhere: no signal reaches this process, its cache still says "open"
    Ballot.objects.filter(pk=ballot.pk).update(state="closed", closed_at=timezone.now())
    assert selectors._vote_cache[ballot.pk].state == "open"
    r = _vote(ballot.pk, personas.verified, {"approve": ["a"]})
    assert r.status_code == 409, r.content
    assert not VoterRecord.objects.filter(ballot=ballot).exists()
    assert not PendingEntry.objects.filter(ballot=ballot).exists()


@pytest.mark.django_db(transaction=True)
def test_a_stale_copy_never_checks_a_vote_against_changed_options(make_ballot, personas):
    ballot = _pb(make_ballot)
    _stale_copy_in_cache(ballot)
    # elsewhere: project a now costs 700, over the budget of 600 alone
    Option.objects.filter(ballot=ballot, key="a").update(cost=Decimal(700))
    r = _vote(ballot.pk, personas.verified, {"approve": ["a"]})
    assert r.status_code == 400, r.content
    assert "budget" in r.content.decode().lower() or "预算" in r.content.decode()
    assert not VoterRecord.objects.filter(ballot=ballot).exists()
    # and what only the new options allow goes through, once
    Option.objects.filter(ballot=ballot, key="c").update(cost=Decimal(1))
    _stale_copy_in_cache(ballot)
    Option.objects.filter(ballot=ballot, key="b").update(cost=Decimal(599))
    r = _vote(ballot.pk, personas.owner, {"approve": ["b", "c"]})
    assert r.status_code == 201, r.content
    assert VoterRecord.objects.filter(ballot=ballot).count() == 1
    assert selectors._vote_cache[ballot.pk].vote_config["options"][1]["cost"] == "599.00"


@pytest.mark.django_db(transaction=True)
def test_a_stale_copy_after_a_budget_change_is_checked_again(make_ballot, personas):
    ballot = _pb(make_ballot)
    _stale_copy_in_cache(ballot)
    Ballot.objects.filter(pk=ballot.pk).update(budget=Decimal(500))  # no save(), no signal
    r = _vote(ballot.pk, personas.verified, {"approve": ["a", "c"]})  # 600 > 500
    assert r.status_code == 400, r.content
    assert not VoterRecord.objects.filter(ballot=ballot).exists()
    r = _vote(ballot.pk, personas.verified, {"approve": ["a"]})
    assert r.status_code == 201, r.content


@pytest.mark.django_db(transaction=True)
def test_votes_from_the_cache_are_counted_like_any_other(make_ballot, personas):
    ballot = _pb(make_ballot)
    assert _vote(ballot.pk, personas.verified, {"approve": ["a", "c"]}).status_code == 201
    assert ballot.pk in selectors._vote_cache
    assert _vote(ballot.pk, personas.owner, {"approve": ["b"]}).status_code == 201
    services.ballot_close(actor=personas.admin, ballot=ballot)
    assert sorted(sorted(c["approve"]) for c in BallotContent.objects.filter(ballot=ballot)
                  .values_list("content", flat=True)) == [["a", "c"], ["b"]]
    # closed here: forgotten at once, and the next vote is refused
    assert ballot.pk not in selectors._vote_cache
    assert _vote(ballot.pk, personas.worker, {"approve": ["b"]}).status_code in (403, 409)


@pytest.mark.postgres
@pytest.mark.pending_seal
@pytest.mark.django_db(transaction=True)
def test_a_first_vote_from_the_cache_is_two_statements(make_ballot, personas):
    """With the ballot cached and the token stamp batched: the token and the vote."""
    ballot = _pb(make_ballot)
    assert _vote(ballot.pk, personas.verified, {"approve": ["a"]}).status_code == 201
    _token, raw = api_token_create(user=personas.owner, name="t")
    from django.test import override_settings

    with override_settings(API_TOKEN_STAMP_SECONDS=3600), \
            CaptureQueriesContext(connection) as ctx:
        r = Client().post(f"{BASE}/ballots/{ballot.pk}/vote", data=json.dumps(
            {"content": {"approve": ["b"]}}), content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201, r.content
    sql = [q["sql"].strip().upper() for q in ctx.captured_queries]
    assert len(sql) == 2, sql
    assert sql[0].startswith("SELECT") and "ACCOUNTS_APITOKEN" in sql[0]
    assert sql[1].startswith("WITH")
    from gongzhi.accounts import token_stamps

    assert token_stamps.flush() == 1


@pytest.mark.pending_seal
@pytest.mark.django_db(transaction=True)
def test_one_waiting_sequencer_task_per_ballot_however_many_votes_follow_a_full_batch(
        make_ballot, personas, settings, monkeypatch):
    from django.core.cache import cache

    from gongzhi.decisions import tasks
    from gongzhi.testing.factories import UserFactory, make_member

    settings.DECISIONS_SEAL_BATCH_MIN = 2
    voters = [make_member(UserFactory(), personas.community, "tenant") for _ in range(6)]
    ballot = make_ballot(method="approval", secrecy="secret")  # eligibility taken at opening
    cache.delete(services.seal_enqueued_key(ballot.pk))
    enqueued: list[int] = []
    real = tasks.seal_ballot

    class Counting:  # the task as the worker would see it, without running it
        @staticmethod
        def enqueue(pk):
            enqueued.append(pk)

    monkeypatch.setattr(tasks, "seal_ballot", Counting)
    for user in voters[:5]:
        services.vote_cast(user=user, ballot=ballot, content={"approved": ["a"]})
    assert PendingEntry.objects.filter(ballot=ballot).count() == 5
    assert enqueued == [ballot.pk]           # not one per vote after the second
    real.call(ballot.pk)                     # the worker runs it: the mark is forgotten
    assert PendingEntry.objects.filter(ballot=ballot).count() == 0
    services.vote_cast(user=voters[5], ballot=ballot, content={"approved": ["b"]})
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approved": ["b"]})
    assert enqueued == [ballot.pk, ballot.pk]
