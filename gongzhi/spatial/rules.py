"""Who may see and change the access analysis.

Workers, community admins and the subdistrict admin see everything for their communities
(per-building figures, what-if); admins (and the subdistrict admin) change the settings
and the network. Residents see the public summary (coverage per category, no building
list) only when the community switched it on. Another community's staff are refused.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_community_admin, is_member, is_worker


@rules.predicate
def summary_is_public(user, community=None) -> bool:
    if community is None:
        return False
    from gongzhi.spatial.services import config_for

    return bool(config_for(community).public_summary)


rules.add_perm("spatial.view_access", is_worker)  # obj: community
rules.add_perm("spatial.what_if", is_worker)
rules.add_perm("spatial.manage_access", is_community_admin)
rules.add_perm("spatial.view_access_summary", is_worker | (is_member & summary_is_public))
