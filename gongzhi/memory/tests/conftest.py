"""Fixtures for the memory archive tests: a volunteer and items in each licence/status."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.memory import services


def fresh(user):
    if user is not None:
        for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_gz_project_team",
                    "_gz_project_orgs",
                    "_perm_cache"):
            user.__dict__.pop(key, None)
    return user


@pytest.fixture
def volunteer(personas):
    from gongzhi.accounts.models import Role
    from gongzhi.testing.factories import UserFactory, make_member

    return make_member(UserFactory(display_name="志愿者小张"), personas.community,
                       Role.VOLUNTEER)


def jpeg(size=(64, 48), gps: bool = False) -> SimpleUploadedFile:
    from PIL import Image

    img = Image.new("RGB", size, (120, 80, 40))
    out = io.BytesIO()
    kwargs = {}
    if gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (31.0, 17.0, 0.0), 3: "E", 4: (121.0, 30.0, 0.0)}
        exif[0x010F] = "PhoneMaker"
        kwargs["exif"] = exif.tobytes()
    img.save(out, format="JPEG", **kwargs)
    return SimpleUploadedFile("../../evil name.html", out.getvalue(), content_type="text/html")


def make_item(personas, *, actor=None, licence="cc_by", approve=True, title="锅炉房的冬天",
              body="冬天去锅炉房打开水。", **kw):
    actor = actor or personas.verified
    item = services.item_create(actor=actor, community=personas.community, kind="story",
                                title=title, body=body, licence=licence, **kw)
    if approve and item.status != "approved":
        item = services.item_moderate(actor=personas.worker, item=item, approve=True)
    return item
