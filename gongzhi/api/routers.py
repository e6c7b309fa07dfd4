"""Which app routers the API mounts. Apps add theirs here as they grow an api.py."""

from __future__ import annotations

import importlib


def ROUTERS():  # noqa: N802 - a constant-like registry, called once at import
    mounted = [
        ("", "gongzhi.api.core_api"),
        ("/spaces", "gongzhi.spaces.api"),
        ("/reports", "gongzhi.reports.api"),
        ("/projects", "gongzhi.projects.api"),
        ("/meetings", "gongzhi.meetings.api"),
        ("/decisions", "gongzhi.decisions.api"),
    ]
    for prefix, module in mounted:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        yield prefix, mod.router
