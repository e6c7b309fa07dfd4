"""The audit log page names fields and coded values in the reader's language: no Python
reprs, no English keys or codes on a zh-Hans page (the browser tour found both)."""

from __future__ import annotations

import re

from django.urls import reverse


def test_audit_entries_read_as_words(personas):
    from gongzhi.decisions import services as ballots
    from gongzhi.reports import services as reports
    from gongzhi.reports.tests.conftest import LAT, LON

    c = personas.community
    options = [{"key": "a", "label": "方案甲"}, {"key": "b", "label": "方案乙"}]
    ballot = ballots.ballot_create(actor=personas.admin, community=c, title="开放时间",
                                   method="borda", options=options, secrecy="open")
    ballots.ballot_open(actor=personas.admin, ballot=ballot)
    ballots.vote_cast(user=personas.owner, ballot=ballot, content={"ranking": ["b", "a"]})
    ballots.ballot_close(actor=personas.admin, ballot=ballot)
    reports.report_create(actor=personas.verified, community=c, category="lamp",
                          description="路灯不亮", lat=LAT, lon=LON, location_text="3号楼")
    html = personas.client("admin").get(reverse("core:audit_log", args=[c.slug]),
                                        HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    cells = " ".join(re.findall(r'<ul class="audit-lines small">(.*?)</ul>', html, re.S))
    text = re.sub(r"<[^>]+>", " ", cells)
    assert "{'" not in text and "['" not in text
    assert not re.search(r"\b(borda|plurality|lamp|winners|ballots|method|title|False)\b",
                         text), text
    assert "标题：开放时间" in text
