"""Uploads cannot become pages (issue 8, item 2): one test per attack."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.core import uploads
from gongzhi.reports.models import Report, ReportPhoto
from gongzhi.reports.tests.conftest import LAT, LON, has_gps, jpeg

SCRIPT = b"<html><script>fetch('/c/s-community/people/')</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png_bytes(size=(32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def polyglot(name="poly.html") -> SimpleUploadedFile:
    """A valid PNG with an HTML page appended, named and typed as HTML."""
    return SimpleUploadedFile(name, png_bytes() + SCRIPT, content_type="text/html")


def bomb_png(width=20_000, height=20_000) -> bytes:
    """A PNG header announcing 20000×20000 pixels: a few bytes, 400 megapixels decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def report_post(client, **extra):
    data = {"community": "", "category": "lamp", "description": "路灯不亮", "lat": LAT,
            "lon": LON}
    data.update(extra)
    return client.post("/api/v1/reports/", data)


def test_polyglot_png_named_html_is_stored_as_png_without_the_html(personas, client):
    r = report_post(personas.client("owner"), community=personas.community.slug,
                    photos=[polyglot()])
    assert r.status_code == 201, r.content
    photo = ReportPhoto.objects.get(report_id=r.json()["id"])
    name = photo.image.name
    assert name.endswith(".png") and "poly" not in name and "html" not in name
    assert re.fullmatch(r"[0-9a-f]{24}\.png", name.rsplit("/", 1)[-1])  # random
    with photo.image.open("rb") as fh:
        data = fh.read()
    assert b"<script" not in data and data.startswith(b"\x89PNG")
    served = client.get(photo.image.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert not served.get("Content-Disposition", "").startswith("attachment")


@pytest.mark.parametrize("filename, content_type", [
    ("old/poly.html", "text/html"), ("old/drawing.svg", "image/svg+xml"),
    ("old/notes.txt", "text/plain"), ("old/unknown.bin", "application/octet-stream"),
])
def test_media_never_served_as_a_page(settings, client, filename, content_type):
    """Files stored before the fix (or by hand) are downloads, never pages."""
    path = settings.MEDIA_ROOT / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png_bytes() + SCRIPT)
    r = client.get(f"/media/{filename}")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"] == "attachment"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"]


def test_prepared_image_has_random_name_from_detected_format():
    a = uploads.image_prepare(polyglot("x.gif"))
    b = uploads.image_prepare(polyglot("x.gif"))
    assert a.name.endswith(".png") and b.name.endswith(".png") and a.name != b.name
    assert a.content_type == "image/png"
    jpg_as_png = uploads.image_prepare(jpeg(name="holiday.png"))
    assert jpg_as_png.name.endswith(".jpg")


def test_only_allow_listed_formats():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="GIF")
    for upload in (SimpleUploadedFile("a.gif", out.getvalue(), "image/gif"),
                   SimpleUploadedFile("a.png", SCRIPT, "image/png"),
                   SimpleUploadedFile("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                                      "image/svg+xml")):
        with pytest.raises(Exception) as exc:
            uploads.image_prepare(upload)
        assert exc.value.code == "invalid_image"


def test_gps_kept_only_when_asked_and_nothing_else():
    stripped = uploads.image_prepare(jpeg(gps=True))
    assert not has_gps(stripped.read())
    kept = uploads.image_prepare(jpeg(gps=True), keep_location=True)
    data = kept.read()
    assert has_gps(data)
    with Image.open(io.BytesIO(data)) as img:
        assert 0x010F not in img.getexif()  # the camera make is gone even so


def test_decompression_bomb_is_a_clear_400_in_the_users_language(personas):
    bomb = SimpleUploadedFile("big.png", bomb_png(), content_type="image/png")
    c = personas.client("owner")
    r = report_post(c, community=personas.community.slug, photos=[bomb])
    assert r.status_code == 400
    assert r["Content-Type"] == "application/problem+json"
    message = r.json()["errors"][0]["message"]
    assert "像素" in message and "big.png" in message
    assert Report.objects.count() == 0


def test_oversize_picture_refused_and_form_input_kept(personas):
    bomb = SimpleUploadedFile("big.png", bomb_png(13_000, 2_000), content_type="image/png")
    c = personas.client("owner")
    r = c.post(f"/c/{personas.community.slug}/reports/new/",
               {"category": "lamp", "description": "三号楼路灯坏了", "lat": LAT, "lon": LON,
                "photos": [bomb]})
    assert r.status_code == 200
    page = r.content.decode()
    assert "三号楼路灯坏了" in page  # what they typed is still there
    assert "像素" in page
    assert Report.objects.count() == 0


def test_oversize_bytes_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.png", png_bytes((400, 400)) + b"\0" * 2000, "image/png")
    with pytest.raises(Exception) as exc:
        uploads.image_prepare(big)
    assert exc.value.code == "too_large"
