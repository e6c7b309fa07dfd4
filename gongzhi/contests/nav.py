from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.compiled import ViewerQuery
from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section
from gongzhi.core.urlcache import reverse


@nav_section("contests")
def _contest_links(request, community) -> list[NavLink]:
    return [NavLink(gettext("Contests"), reverse("contests:list", args=[community.slug]), 58)]


def _open(community, viewer, *, now):
    from gongzhi.contests import selectors

    return selectors.open_at(community, viewer, now)


# built once per kind of viewer (core.compiled.ViewerQuery)
_OPEN = ViewerQuery(_open, now=dt.datetime)


@now_section(35, "contests.open", feed_sources=("contests",))
def _open_contests(request, community) -> NowBlock | None:
    from gongzhi.contests.models import Stage

    contests = _OPEN.all(community, request.user, now=timezone.now())
    items = []
    for c in contests:
        stage = c.stage
        if stage == Stage.SUBMISSION:
            meta = gettext("entries until %(date)s") % {
                "date": timezone.localtime(c.submission_closes).strftime("%m-%d")}
        elif stage == Stage.VOTING:
            meta = gettext("voting until %(date)s") % {
                "date": timezone.localtime(c.voting_closes).strftime("%m-%d")}
        else:
            meta = ""
        items.append(NowItem(label=c.title, status=c.stage_label, meta=meta,
                             url=reverse("contests:detail", args=[community.slug, c.pk])))
    if not items:
        return None
    return NowBlock(key="contests", title=gettext("Contests"), items=items,
                    more_url=reverse("contests:list", args=[community.slug]),
                    more_label=gettext("All contests"))
