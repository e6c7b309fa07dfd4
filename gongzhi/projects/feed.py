"""Projects in the community feed: proposals answered (decided) and results published."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedEvent, feed_source


@feed_source("projects", label=_("Projects and results"))
def project_events(community, user, since, limit) -> list[FeedEvent]:
    from gongzhi.projects import selectors
    from gongzhi.projects.models import Proposal

    projects = selectors.projects_visible(community, user).values("pk")
    answered = (Proposal.objects.filter(project__in=projects, answered_at__isnull=False,
                                        visibility=Proposal.Visibility.VISIBLE)
                .exclude(answer="").select_related("project"))
    results = selectors.results_for(community)
    if since is not None:
        answered = answered.filter(answered_at__gte=since)
        results = results.filter(created_at__gte=since)
    events = [FeedEvent(source="projects", kind="decided", title=p.title,
                        at=p.answered_at or p.created_at,
                        url=reverse("projects:proposal",
                                    args=[community.slug, p.project_id, p.pk]),
                        summary=gettext("Proposal answered: %(answer)s")
                        % {"answer": p.get_answer_display()}, obj_id=p.pk)
              for p in answered.order_by("-answered_at")[:limit]]
    events += [FeedEvent(source="projects", kind="result", title=r.title,
                        at=r.created_at,
                         url=reverse("projects:result", args=[community.slug, r.pk]),
                         summary=gettext("Result published: %(status)s, %(progress)s%%")
                         % {"status": r.get_status_display(), "progress": r.progress},
                         obj_id=r.pk)
               for r in results.order_by("-created_at")[:limit]]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
