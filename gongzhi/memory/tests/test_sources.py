"""Photos offered by contests and activities: taken in once, with licence and attribution,
only by workers, never without the people's consent."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gongzhi.memory import sources
from gongzhi.memory.models import Licence, MemoryItem, Status

pytestmark = pytest.mark.django_db


def _png(colour=(200, 80, 40)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(buf, "PNG")
    return SimpleUploadedFile("x.png", buf.getvalue())


@pytest.fixture
def activity_photos(personas):
    from gongzhi.activities import services
    from gongzhi.activities.models import ActivityPhoto

    a = services.activity_create(
        actor=personas.worker, community=personas.community, title="邻里文化节",
        first_start=timezone.now(), duration_minutes=90, location_text="广场",
        category="culture", capacity=100)
    agreed = ActivityPhoto.objects.create(activity=a, community=personas.community,
                                          image=_png(), caption="舞龙队在广场",
                                          people_consented=True, uploaded_by=personas.worker)
    ActivityPhoto.objects.create(activity=a, community=personas.community, image=_png(),
                                 caption="没有同意的照片", people_consented=False,
                                 uploaded_by=personas.worker)
    return agreed


def test_only_agreed_photos_are_offered_and_taken_in_once(personas, activity_photos,
                                                          django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # taken keys, contest entries, activity photos
        offered = sources.candidates(personas.community)
    assert [c.title for c in offered] == ["舞龙队在广场"]
    key = offered[0].key
    item = sources.take_in(actor=personas.worker, community=personas.community, key=key)
    assert item.status == Status.APPROVED and item.licence == Licence.COMMUNITY
    assert item.source_key == key and item.media.count() == 1
    assert sources.candidates(personas.community) == []
    with pytest.raises(ValidationError):
        sources.take_in(actor=personas.worker, community=personas.community, key=key)
    assert MemoryItem.objects.filter(source_key=key).count() == 1
    # withdrawing consent stops an offer that was not yet taken in
    activity_photos.people_consented = False
    activity_photos.save()


def test_offered_page_by_role(personas, activity_photos):
    url = reverse("memory:offered", args=[personas.community.slug])
    for name in ("verified", "resident", "other_admin"):
        r = personas.client(name).get(url)
        assert r.status_code in (403, 404), name
        r = personas.client(name).post(url, {"key": f"activities.photo:{activity_photos.pk}"})
        assert r.status_code in (403, 404), name
    assert not MemoryItem.objects.exists()
    worker = personas.client("worker")
    r = worker.get(url)
    assert r.status_code == 200 and "舞龙队在广场" in r.text
    r = worker.post(url, {"key": f"activities.photo:{activity_photos.pk}"})
    assert r.status_code == 302 and MemoryItem.objects.count() == 1
    r = worker.post(url, {"key": "activities.photo:999999"})
    assert r.status_code == 302 and MemoryItem.objects.count() == 1
