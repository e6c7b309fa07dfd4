"""Participation equity and KPI dashboards: workers, admins and the subdistrict admin of
the community (aggregates only; no person is ever listed)."""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_worker

rules.add_perm("analytics.view_dashboard", is_worker)
