"""News in the personal-data export (PIPL) and account deletion."""

from __future__ import annotations

from gongzhi.core.export import on_delete, register
from gongzhi.news.models import Announcement, FeedPreference, ReadReceipt


@register("news")
def news(user) -> dict:
    return {
        "read_confirmations": [{"announcement": r.announcement.title,
                                "community": r.announcement.community.name,
                                "read_at": r.read_at.isoformat()}
                               for r in ReadReceipt.objects.filter(user=user)
                               .select_related("announcement__community")],
        "feed_preferences": [{"community": p.community.name, "source": p.source,
                              "choice": p.choice}
                             for p in FeedPreference.objects.filter(user=user)
                             .select_related("community")],
        "announcements_written": [{"title": a.title, "community": a.community.name,
                                   "organisation": a.organisation.name,
                                   "published_at": a.published_at.isoformat()
                                   if a.published_at else None}
                                  for a in Announcement.objects.filter(author=user)
                                  .select_related("community", "organisation")],
    }


@on_delete("news")
def news_delete(user) -> None:
    """Read confirmations and feed choices go; announcements the person wrote stay (they
    speak for an organisation) without their name."""
    ReadReceipt.objects.filter(user=user).delete()
    FeedPreference.objects.filter(user=user).delete()
    Announcement.objects.filter(author=user).update(author=None)
