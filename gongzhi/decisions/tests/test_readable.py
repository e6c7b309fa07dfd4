"""Ballot values as people read them: no Python reprs, option names, Art. 278 figures in
percentages and counts, hashes that wrap, engine English said in the reader's language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from gongzhi.decisions import services
from gongzhi.decisions.templatetags import ballots as readable

pytestmark = pytest.mark.django_db


def _url(name, ballot):
    return reverse(f"decisions:{name}", args=[ballot.community.slug, ballot.pk])


def test_art278_value_is_split_where_the_ratio_says():
    step = {"key": "agree_area", "value": "2537/2/4641/2", "ratio": [2537, 4641],
            "percent": 54.66, "threshold": [2, 3], "comparison": "≥"}
    with translation.override("zh-hans"):
        f = readable.art278_step(step)
    assert f["percent"] == "54.7"
    assert f["count"].startswith("1,268.5") and f["total"].startswith("2,320.5")
    assert "2/3" in f["need"] and "66.7" in f["need"]
    owners = readable.art278_step({"key": "agree_owners", "value": "2537/4641",
                                   "ratio": [2537, 4641], "percent": 54.66,
                                   "threshold": [1, 2], "comparison": ">"})
    assert owners["count"].startswith("2,537") and owners["total"].startswith("4,641")


def test_choices_read_as_option_names_in_order(make_ballot):
    ballot = make_ballot(method="borda", open=False)
    with translation.override("zh-hans"):
        lines = readable.choices_of({"ranking": ["c", "a"]}, ballot)
        assert lines == ["1. 方案C", "2. 方案A"]
        assert readable.choices_of({"approve": ["b"]}, ballot) == ["✓ 方案B"]
        assert "方案A" in readable.choices_text({"points": {"a": 3}}, ballot)


def test_receipt_check_and_list_show_no_python_repr(make_ballot, personas):
    ballot = make_ballot(method="irv", secrecy="open")
    r = services.vote_cast(user=personas.owner, ballot=ballot,
                           content={"ranking": ["b", "a"]})
    client = personas.client("anonymous")
    html = client.post(_url("receipts", ballot), {"code": r.code},
                       HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "{'" not in html and "['" not in html
    assert "1. 方案B" in html and "2. 方案A" in html
    assert 'class="hash"' in html and "data-copy=" in html


def test_tie_break_and_engine_notes_are_translated():
    with translation.override("zh-hans"):
        text = readable.tie_break_text("min_cost,max_votes,project_order")
        note = readable.engine_note("greedy-threshold without META "
                                    "min_project_score_threshold: no threshold applied")
    assert not re.search(r"[A-Za-z]{4,}", text), text
    assert not re.search(r"[A-Za-z]{4,}", note), note


def test_borda_and_pb_result_columns_are_not_called_score_voting(make_ballot, personas):
    ballot = make_ballot(method="borda", secrecy="open")
    services.vote_cast(user=personas.owner, ballot=ballot, content={"ranking": ["b", "a"]})
    services.ballot_close(actor=personas.admin, ballot=ballot)
    html = personas.client("anonymous").get(
        _url("results", ballot), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "评分投票" not in html
    with translation.override("zh-hans"):
        assert readable.value_heading({"method": "borda"}, ballot) in html


def test_art278_progress_shows_percent_and_counts(personas):
    ballot = services.ballot_create(actor=personas.admin, community=personas.community,
                                    title="加装电梯", method="art278", options=[],
                                    eligibility="building_owners",
                                    building=personas.household.building, art278_item=7)
    services.ballot_open(actor=personas.admin, ballot=ballot)
    html = personas.client("admin").get(_url("detail", ballot),
                                        HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert not re.search(r"\(\d+/\d+", html)
    assert "平方米" in html and "%" in html


def test_resident_verified_after_opening_is_told_why_and_what_to_do(make_ballot, personas):
    from django.test import Client
    from django.utils import timezone

    from gongzhi.accounts.models import Membership
    from gongzhi.testing.factories import UserFactory, make_member

    ballot = make_ballot()
    late = make_member(UserFactory(), personas.community)
    Membership.objects.filter(user=late).update(decided_at=timezone.now())
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(late)
    html = client.get(_url("detail", ballot)).content.decode()
    assert 'id="not-on-list"' in html
    assert "投票开始" in html or "开放投票" in html
    assert "纸质" in html
    assert ballot.opened_at.strftime("%Y") in html
