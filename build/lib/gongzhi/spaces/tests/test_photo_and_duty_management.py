"""Workers remove wrong photos and pause or resume maintenance duties; others may not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.spaces import services
from gongzhi.spaces.models import MaintenanceDuty, SpacePhoto
from gongzhi.spaces.tests.conftest import png_upload

pytestmark = pytest.mark.django_db


def _photo(personas, space):
    return services.space_photo_add(actor=personas.worker, space=space, upload=png_upload())


@pytest.mark.parametrize(("persona", "allowed"), [
    ("anonymous", False), ("verified", False), ("owner", False), ("other_admin", False),
    ("worker", True), ("admin", True), ("subdistrict_admin", True),
])
def test_who_may_remove_a_photo(personas, space, persona, allowed):
    photo = _photo(personas, space)
    url = f"/c/{space.community.slug}/spaces/{space.pk}/photos/{photo.pk}/remove/"
    response = personas.client(persona).post(url, {"reason": "拍到了人脸"})
    assert SpacePhoto.objects.filter(pk=photo.pk).exists() is not allowed
    if allowed:
        assert response.status_code == 302
        entry = AuditEntry.objects.get(action="spaces.space_photo_remove")
        assert entry.reason == "拍到了人脸"
    else:
        assert response.status_code in (302, 403, 404)


def test_the_file_is_deleted_after_commit(personas, space, django_capture_on_commit_callbacks):
    photo = _photo(personas, space)
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.space_photo_remove(actor=personas.worker, photo=photo)
    assert not storage.exists(name)


def test_a_paused_duty_is_not_flagged_overdue_and_resumes_from_a_date(personas, space):
    duty = services.duty_create(actor=personas.worker, space=space, task="浇水",
                                interval_days=7, responsible_name="志愿者",
                                next_due=timezone.localdate() - dt.timedelta(days=3))
    services.duty_set_active(actor=personas.worker, duty=duty, active=False, reason="冬季闭园")
    assert services.duties_flag_overdue() == 0
    today = timezone.localdate()
    services.duty_set_active(actor=personas.worker, duty=duty, active=True, next_due=today)
    duty.refresh_from_db()
    assert duty.is_active and duty.next_due == today
    assert [e.action for e in AuditEntry.objects.filter(target_id=str(duty.pk))
            .order_by("id")][-2:] == ["spaces.duty_pause", "spaces.duty_resume"]


def test_residents_cannot_pause_duties(personas, space):
    duty = services.duty_create(actor=personas.worker, space=space, task="清扫",
                                interval_days=7, responsible_name="物业",
                                next_due=timezone.localdate())
    url = f"/c/{space.community.slug}/spaces/{space.pk}/duties/{duty.pk}/toggle/"
    assert personas.client("verified").post(url).status_code == 403
    assert MaintenanceDuty.objects.get(pk=duty.pk).is_active
    assert personas.client("worker").post(url).status_code == 302
    assert not MaintenanceDuty.objects.get(pk=duty.pk).is_active
