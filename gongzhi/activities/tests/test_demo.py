from __future__ import annotations

import pytest
from django.utils import timezone

from gongzhi.activities import selectors
from gongzhi.activities.models import Activity, Registration
from gongzhi.core.demo import DemoContext, demo_steps

pytestmark = pytest.mark.django_db


def test_small_demo_runs_after_school_weekly_with_attendance_and_a_cancelled_date(settings,
                                                                                tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ctx = DemoContext(small=True)
    for _order, _name, step in demo_steps():
        step(ctx)
    s = ctx.communities["s"]
    after = Activity.objects.get(community=s, title="放学后1小时")
    assert after.rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    past = Registration.objects.filter(occurrence__activity=after,
                                       occurrence__ends_at__lt=timezone.now())
    assert past.filter(attended_at__isnull=False, child__isnull=False).count() >= 20
    assert after.occurrences.filter(status="cancelled").exclude(cancel_reason="").count() == 1
    festival = Activity.objects.get(community=ctx.communities["b"], title="邻里文化节")
    assert selectors.photos_for_archive(festival).count() == 2
    assert festival.photos.count() == 3
