"""Which app routers the API mounts, and where. Add a line when an app grows an api.py."""

from __future__ import annotations

import importlib

MOUNTED = [
    ("", "gongzhi.api.core_api"),
    ("/maps", "gongzhi.maps.api"),
    ("/spaces", "gongzhi.spaces.api"),
    ("/reports", "gongzhi.reports.api"),
    ("/projects", "gongzhi.projects.api"),
    ("/meetings", "gongzhi.meetings.api"),
    ("/decisions", "gongzhi.decisions.api"),
    ("/deliberation", "gongzhi.deliberation.api"),
    ("/spatial", "gongzhi.spatial.api"),
    ("/surveys", "gongzhi.surveys.api"),
    ("/volunteers", "gongzhi.volunteers.api"),
    ("/memory", "gongzhi.memory.api"),
    ("/activities", "gongzhi.activities.api"),
    ("/analytics", "gongzhi.analytics.api"),
    ("/contests", "gongzhi.contests.api"),
    ("/news", "gongzhi.news.api"),
    ("/points", "gongzhi.points.api"),
    ("/talent", "gongzhi.talent.api"),
]


def ROUTERS():  # noqa: N802 - a constant-like registry, called once at import
    for prefix, module in MOUNTED:
        yield prefix, importlib.import_module(module).router
