from __future__ import annotations

import io

import pytest
from PIL import Image

from gongzhi.spaces.services import space_create

LON, LAT = 121.5035, 31.2835


def square(lon: float, lat: float, d: float = 0.0002) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d],
                                                [lon + d, lat + d], [lon - d, lat + d],
                                                [lon - d, lat - d]]]}


@pytest.fixture
def make_space(personas):
    def make(**kw):
        community = kw.pop("community", personas.community)
        kw.setdefault("kind", "pocket_park")
        kw.setdefault("name", "口袋公园")
        kw.setdefault("geometry", square(LON, LAT))
        return space_create(actor=None, community=community, **kw)

    return make


@pytest.fixture
def space(make_space):
    return make_space()


def png_upload(name: str = "p.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 200, 10)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
