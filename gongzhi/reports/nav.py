"""Community navigation links for problem reports (报事)."""

from __future__ import annotations

from django.db.models import Count, Window
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongzhi.core.compiled import ViewerQuery
from gongzhi.core.nav import PRIMARY, WORK, NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section
from gongzhi.core.urlcache import reverse


@nav_section("reports")
def report_links(request, community) -> list[NavLink]:
    user = request.user
    slug = community.slug
    links = [NavLink(_("Reports"), reverse("reports:list", args=[slug]), 20, group=PRIMARY)]
    if user.is_authenticated:
        links.append(NavLink(_("My reports"), reverse("reports:mine", args=[slug]), 21))
    if user.has_perm("reports.view_queue", community):
        links.append(NavLink(_("Work queue"), reverse("reports:queue", args=[slug]), 22,
                             group=WORK))
    if user.has_perm("reports.view_stats", community):
        links.append(NavLink(_("Statistics"), reverse("reports:stats", args=[slug]), 23,
                             group=WORK))
    return links


def _in_progress(community, viewer):
    from gongzhi.reports.models import Status
    from gongzhi.reports.selectors import reports_for

    # the count with the latest three, in one query (a window over all the rows, read
    # before the limit): was a COUNT and then the three
    return (reports_for(viewer, community)
            .filter(status__in=[Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED])
            .annotate(total=Window(Count("pk"))).order_by("-status_changed_at")
            .values_list("pk", "category", "location_text", "status", "total")[:3])


# compiled once per kind of viewer (core.compiled.ViewerQuery): building and compiling the
# queryset cost the home more than running it
_IN_PROGRESS = ViewerQuery(_in_progress)


@now_section(30)
def _reports_in_progress(request, community) -> NowBlock | None:
    """Reports being handled: how many, and the latest three."""
    from gongzhi.reports.models import Category, Status

    latest = _IN_PROGRESS.all(community, request.user)
    count = latest[0][4] if latest else 0
    categories, statuses = dict(Category.choices), dict(Status.choices)
    items = [NowItem(str(categories.get(category, category))
                     + (f" · {location}" if location else ""),
                     reverse("reports:detail", args=[community.slug, pk]),
                     status=str(statuses.get(status, status)))
             for pk, category, location, status, _total in latest]
    summary = (ngettext("%(n)s report is being handled.", "%(n)s reports are being handled.",
                        count) % {"n": count}) if count else ""
    return NowBlock("reports", str(_("Reports in progress")), items, summary=summary,
                    more_url=reverse("reports:list", args=[community.slug]),
                    more_label=str(_("All reports")))
