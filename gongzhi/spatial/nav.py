from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.urlcache import reverse


@nav_section("spatial")
def spatial_links(request: HttpRequest, community) -> list[NavLink]:
    # Staff only: checking whether the summary is public would cost every resident's page
    # a query. Residents reach the public summary from the community report and the URL.
    if not request.user.has_perm("spatial.view_access", community):
        return []
    return [NavLink(_("Access (15-minute life circle)"),
                    reverse("spatial:access", args=[community.slug]), 25)]
