"""Who may do what with spaces.

Reading the registry and the map is public (the participation map is for everyone);
spaces marked non-public and everything that writes (create, edit, photos, history,
duties, care logs, imports and exports) belong to the community's workers, its admins
and the subdistrict admin. Another community's admin has no role here, so is refused.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_worker


@rules.predicate
def is_public_space(user, space=None) -> bool:
    return bool(getattr(space, "is_public", False))


rules.add_perm("spaces.view_spaces", rules.always_allow)  # obj: community
rules.add_perm("spaces.view_space", is_public_space | is_worker)  # obj: space
rules.add_perm("spaces.manage_spaces", is_worker)  # obj: community or space
rules.add_perm("spaces.export_spaces", is_worker)
rules.add_perm("spaces.import_spaces", is_worker)
rules.add_perm("spaces.log_care", is_worker)
rules.add_perm("spaces.view_duties", is_worker)
