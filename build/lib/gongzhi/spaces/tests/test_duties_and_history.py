from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.periodic import periodic_jobs
from gongzhi.notifications.models import Notification
from gongzhi.spaces.models import MaintenanceDuty
from gongzhi.spaces.services import care_log_add, duty_create, space_event_record

from .conftest import png_upload

pytestmark = pytest.mark.django_db


def test_overdue_duty_is_flagged_once_by_the_periodic_job(personas, space):
    today = timezone.localdate()
    late = duty_create(actor=None, space=space, task="浇水", interval_days=3,
                       next_due=today - dt.timedelta(days=2), responsible_name="楼组长")
    duty_create(actor=None, space=space, task="扫地", interval_days=7,
                next_due=today + dt.timedelta(days=1), responsible_name="物业")
    job = periodic_jobs()["spaces.flag_overdue_duties"]
    assert job.fn() == 1
    late.refresh_from_db()
    assert late.overdue_notified_at is not None
    notes = Notification.objects.filter(kind="spaces.duty_overdue")
    # The worker and the admin of this community; not residents, not the other admin.
    assert {n.user_id for n in notes} == {personas.worker.pk, personas.admin.pk}
    assert job.fn() == 0  # not twice
    assert notes.count() == 2


def test_care_log_moves_due_date_and_clears_flag(personas, space):
    today = timezone.localdate()
    duty = duty_create(actor=None, space=space, task="浇水", interval_days=3,
                       next_due=today - dt.timedelta(days=2), responsible_name="楼组长")
    MaintenanceDuty.objects.filter(pk=duty.pk).update(overdue_notified_at=timezone.now())
    care_log_add(actor=personas.worker, duty=duty, done_on=today, note="浇了",
                 photo=png_upload())
    duty.refresh_from_db()
    assert duty.next_due == today + dt.timedelta(days=3)
    assert duty.overdue_notified_at is None
    assert duty.logs.get().photo.name.endswith(".png")


def test_overdue_list_page(personas, space):
    today = timezone.localdate()
    duty_create(actor=None, space=space, task="修灯", interval_days=3,
                next_due=today - dt.timedelta(days=2), responsible_name="楼组长")
    duty_create(actor=None, space=space, task="扫地", interval_days=3,
                next_due=today + dt.timedelta(days=2), responsible_name="楼组长")
    r = personas.client("worker").get(reverse("spaces:duties_overdue",
                                              args=[personas.community.slug]))
    assert [d.task for d in r.context["duties"]] == ["修灯"]


def test_renovation_timeline_with_before_after_photos(personas, make_space):
    yard = make_space(name="锅炉房旧址", kind="derelict_site", state="derelict")
    space_event_record(actor=personas.worker, space=yard, kind="renovation",
                       happened_on=dt.date(2024, 3, 1), title="改造为社区花园",
                       to_state="open", project_id=7, before_photos=[png_upload("b.png")],
                       after_photos=[png_upload("a.png")])
    yard.refresh_from_db()
    assert yard.state == "open"
    r = personas.client("anonymous").get(reverse("spaces:detail",
                                                 args=[personas.community.slug, yard.pk]))
    timeline = r.context["timeline"]
    # Newest first: registered today, renovated in 2024.
    assert [(e.kind, e.from_state, e.to_state) for e in timeline] == [
        ("created", "", "derelict"), ("renovation", "derelict", "open")]
    reno = next(e for e in timeline if e.kind == "renovation")
    assert reno.project_id == 7
    assert sorted(p.role for p in reno.photos.all()) == ["after", "before"]
    assert "改造为社区花园" in r.content.decode()
