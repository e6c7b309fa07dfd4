"""Projects in the community feed: proposals answered (decided) and results published."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.feed import FeedBranch, FeedEvent, feed_branches


@feed_branches("projects", label=_("Projects and results"))
def project_events(community, user, since) -> list[FeedBranch]:
    from django.db.models.functions import Coalesce

    from gongzhi.projects import selectors
    from gongzhi.projects.models import Proposal, Result

    projects = selectors.projects_visible(community, user).values("pk")
    answered = (Proposal.objects.filter(project__in=projects, answered_at__isnull=False,
                                        visibility=Proposal.Visibility.VISIBLE)
                .exclude(answer=""))
    results = selectors.results_for(community)
    if since is not None:
        answered = answered.filter(answered_at__gte=since)
        results = results.filter(created_at__gte=since)

    answers = dict(Proposal._meta.get_field("answer").flatchoices)
    statuses = dict(Result._meta.get_field("status").flatchoices)

    def decided(community, pk, at, data) -> FeedEvent:
        answer = answers.get(data["answer"], data["answer"])
        return FeedEvent(source="projects", kind="decided", title=data["title"], at=at,
                         url=reverse("projects:proposal",
                                     args=[community.slug, data["project"], pk]),
                         summary=gettext("Proposal answered: %(answer)s")
                         % {"answer": answer}, obj_id=pk)

    def published(community, pk, at, data) -> FeedEvent:
        status = statuses.get(data["status"], data["status"])
        return FeedEvent(source="projects", kind="result", title=data["title"], at=at,
                         url=reverse("projects:result", args=[community.slug, pk]),
                         summary=gettext("Result published: %(status)s, %(progress)s%%")
                         % {"status": status, "progress": data["progress"]}, obj_id=pk)

    return [
        FeedBranch(kind="decided", rows=answered,
                   at=Coalesce("answered_at", "created_at"), order=("-answered_at",),
                   event=decided, data={"title": F("title"), "answer": F("answer"),
                                        "project": F("project_id")}),
        FeedBranch(kind="result", rows=results, at=F("created_at"), order=("-created_at",),
                   event=published, data={"title": F("title"), "status": F("status"),
                                          "progress": F("progress")}),
    ]
