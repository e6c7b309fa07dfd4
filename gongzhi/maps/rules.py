"""Who may do what with maps.

The basemap is public (like the participation map); building it from an OSM extract is
the community's workers', admins' and the subdistrict admin's job.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_worker

rules.add_perm("maps.view_basemap", rules.always_allow)  # obj: community
rules.add_perm("maps.build_basemap", is_worker)  # obj: community
