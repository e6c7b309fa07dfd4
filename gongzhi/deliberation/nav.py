from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.urlcache import reverse


@nav_section("deliberation")
def _deliberation_links(request, community) -> list[NavLink]:
    # "Deliberation" is 共识讨论 in the Chinese catalogue.
    return [NavLink(_("Deliberation"), reverse("deliberation:list", args=[community.slug]), 45)]
