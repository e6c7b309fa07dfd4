"""Participation equity and KPI dashboards: workers, admins and the subdistrict admin of
the community (aggregates only; no person is ever listed). Open data: anyone. The
pseudonymised research export: community admins and the subdistrict admin."""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_community_admin, is_worker

rules.add_perm("analytics.view_dashboard", is_worker)
# Open data: only what the site already shows everyone (see exports.py).
rules.add_perm("analytics.open_data", rules.always_allow)
# The pseudonymised research export: community admins and area admins (audited). The
# subdistrict-wide export is for area admins (subdistrict.can_view_area).
rules.add_perm("analytics.research_export", is_community_admin)
