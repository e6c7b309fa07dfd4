"""Every audit action has a name in words, and the demo's audit log reads in Chinese: no
action codes, no English field names, no bare ids of related objects."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from gongzhi.core.audit_actions import ACTIONS, AREAS, action_label
from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.core.models import AuditEntry
from gongzhi.core.templatetags.audit import audit_lines, name_related

SOURCE = Path(__file__).resolve().parents[2]
# The codes written with an f-string, by what fills them in.
DYNAMIC = {
    "content.{decision}": ["content.hide", "content.restore"],
    "points.redemption_{status}": ["points.redemption_cancelled", "points.redemption_rejected"],
    "report.{action}": ["report.accept", "report.refuse", "report.assign", "report.start",
                        "report.resolve", "report.confirm", "report.reopen",
                        "report.auto_close"],
    "talent.invitation_{locked.status}": ["talent.invitation_accepted",
                                          "talent.invitation_declined"],
}


def _codes_in(expr: ast.expr) -> list[str]:
    """The codes an ``action=`` argument can take: its string constants (both sides of a
    conditional), an f-string as its pattern (``report.{action}``)."""
    if isinstance(expr, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else
                        "{" + ast.unparse(v.value) + "}"  # type: ignore[attr-defined]
                        for v in expr.values)]
    return [n.value for n in ast.walk(expr)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def source_codes() -> set[str]:
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) ==
                    "audit_record"):
                continue
            for kw in node.keywords:
                if kw.arg == "action":
                    for code in _codes_in(kw.value):
                        codes.update(DYNAMIC.get(code, [code]))
    return codes


def test_every_action_in_the_source_has_a_label_and_an_area():
    codes = source_codes()
    assert len(codes) > 150
    assert not codes - set(ACTIONS), sorted(codes - set(ACTIONS))
    assert not {c.split(".")[0] + "." for c in ACTIONS} - set(AREAS)
    assert not set(ACTIONS) - codes, "labels for codes nobody writes"


def test_labels_are_chinese_in_zh_hans_and_unknown_codes_keep_their_area():
    with translation.override("zh-hans"):
        for code in ACTIONS:
            assert re.search(r"[\u4e00-\u9fff]", action_label(code)), code
        assert action_label("report.teleport") == "报事 · report.teleport"
    with translation.override("en"):
        assert action_label("report.accept") == "Report accepted and assigned"


ASCII_WORD = re.compile(r"[A-Za-z_]{3,}")
ALLOWED = {"QR", "PDF", "GeoJSON", "OpenStreetMap", "XLSForm", "API", "Excel", "CSV"}


@pytest.mark.django_db
def test_the_demos_audit_log_reads_in_chinese(settings, tmp_path, client):
    settings.MEDIA_ROOT = str(tmp_path)
    ctx = DemoContext(small=True)
    for _order, _name, step in demo_steps():
        step(ctx)
    entries = list(AuditEntry.objects.filter(community__isnull=False))
    assert len(entries) > 100
    name_related(entries)
    with translation.override("zh-hans"):
        for e in entries:
            label = action_label(e.action)
            assert e.action not in label, e.action
            for which in ("before", "after"):
                for key, value in audit_lines(e, which):
                    words = set(ASCII_WORD.findall(key)) - ALLOWED
                    assert not words, (e.action, key)
                    assert not (key.endswith("单位") and value.isdigit()), (e.action, key, value)
    worker = ctx.accounts["s_admin"]
    client.force_login(worker)
    html = client.get(reverse("core:audit_log", args=[ctx.communities["s"].slug]),
                      {"action": "news."}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "撰写通知" in html and "news.announcement_create" not in html
    assert '<option value="news." selected>通知公告</option>' in html
