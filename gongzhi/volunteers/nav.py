from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.urlcache import reverse


@nav_section("volunteers")
def _volunteer_links(request, community) -> list[NavLink]:
    return [NavLink(_("Volunteers"), reverse("volunteers:home", args=[community.slug]), 55)]
