from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.urlcache import reverse


@nav_section("surveys")
def _links(request, community) -> list[NavLink]:
    if not request.user.has_perm("surveys.view_surveys", community):
        return []
    return [NavLink(_("Surveys"), reverse("surveys:list", args=[community.slug]), 45)]
