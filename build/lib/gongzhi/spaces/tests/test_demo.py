from __future__ import annotations

import pytest
from django.utils import timezone

from gongzhi.core.demo import DemoContext, demo_steps
from gongzhi.spaces.models import MaintenanceDuty, Space

pytestmark = pytest.mark.django_db


def test_small_demo_creates_spaces_inside_the_communities():
    ctx = DemoContext(small=True)
    for order, _name, step in demo_steps():
        if order <= 40:
            step(ctx)
    s, b = ctx.communities["s"], ctx.communities["b"]
    yard = Space.objects.get(community=s, name="锅炉房旧址")
    assert yard.state == "planned"
    assert list(yard.events.values_list("kind", flat=True).order_by("happened_on", "id")) == [
        "created", "note", "state"]
    from gongzhi.core.geo.geojson import Boundary

    for c in (s, b):
        boundary = Boundary(c.boundary)
        for sp in Space.objects.filter(community=c):
            assert boundary.covers_point(sp.lon, sp.lat), sp.name
    paths = Space.objects.filter(community=b, kind="footpath")
    assert sum(p.length_m for p in paths) == pytest.approx(500, abs=2)
    sheds = Space.objects.filter(community=b, kind="bike_shed")
    assert sheds.count() == 4
    assert MaintenanceDuty.objects.filter(next_due__lt=timezone.localdate()).count() >= 3
