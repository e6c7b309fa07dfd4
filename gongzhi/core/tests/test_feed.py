from datetime import UTC, datetime, timedelta

from gongzhi.core import feed
from gongzhi.core.feed import FeedEvent, community_feed, feed_source


def test_sources_are_merged_newest_first_and_filtered(monkeypatch):
    monkeypatch.setattr(feed, "_sources", {})
    monkeypatch.setattr(feed, "_discovered", True)
    t0 = datetime(2026, 5, 1, tzinfo=UTC)

    @feed_source("a", label="A")
    def a(community, user, since, limit):
        return [FeedEvent("a", "x", f"a{i}", "/a", t0 + timedelta(hours=2 * i)) for i in range(3)]

    @feed_source("b", label="B")
    def b(community, user, since, limit):
        return [FeedEvent("b", "y", "b0", "/b", t0 + timedelta(hours=3))]

    titles = [e.title for e in community_feed(None, None, limit=3)]
    assert titles == ["a2", "b0", "a1"]
    assert [e.title for e in community_feed(None, None, sources=["b"])] == ["b0"]
    assert [s.key for s in feed.feed_sources()] == ["a", "b"]
