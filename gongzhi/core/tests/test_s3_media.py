"""Media on S3-compatible storage, against a real S3 API on loopback (moto's server).

The storage is the one ``S3_BUCKET`` and friends configure (``core.env.s3_storage_from_env``);
a report photo goes through the real upload path (the report form), is read back from the
bucket, is private (no public grant, an unsigned GET refused, a signed URL that expires),
and keeps the re-encoding and naming rules of core/uploads.py.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from gongzhi.core.env import s3_origin, s3_storage_from_env
from gongzhi.reports.models import Report, ReportPhoto
from gongzhi.reports.tests.conftest import LAT, LON, has_gps, jpeg

boto3 = pytest.importorskip("boto3")
pytest.importorskip("storages")
pytest.importorskip("moto")

BUCKET = "gongzhi-test-media"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                             "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    for name, value in {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_endpoint,
                        "S3_ACCESS_KEY_ID": "gongzhi-test", "S3_SECRET_ACCESS_KEY": "secret",
                        "S3_REGION": "us-east-1", "S3_URL_EXPIRE_SECONDS": "600"}.items():
        monkeypatch.setenv(name, value)
    storage = s3_storage_from_env()
    assert storage is not None
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.CSP_EXTRA_HOSTS = [s3_origin(storage)]
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="gongzhi-test", aws_secret_access_key="secret")
    client.create_bucket(Bucket=BUCKET)
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_a_report_photo_goes_to_the_bucket_private_and_re_encoded(s3, s3_endpoint, personas):
    client = personas.client("verified")
    url = reverse("reports:create", args=[personas.community.slug])
    r = client.post(url, {"category": "lamp", "description": "路灯不亮", "lat": LAT,
                          "lon": LON, "photos": [jpeg(gps=True, name="家门口 照片.html")]})
    assert r.status_code == 302, r.content.decode()[:2000]
    photo = ReportPhoto.objects.get(report=Report.objects.get())

    # naming: random, our extension, nothing of the client's name; stored under that key
    assert re.fullmatch(r"reports/\d{4}/\d{2}/[0-9a-f]{24}\.jpg", photo.image.name)
    (obj,) = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert obj["Key"] == photo.image.name

    # read back: the re-encoded JPEG, without the GPS position the phone stored
    data = s3.get_object(Bucket=BUCKET, Key=photo.image.name)["Body"].read()
    assert data.startswith(b"\xff\xd8") and not has_gps(data)
    with photo.image.open("rb") as fh:
        assert fh.read() == data

    # private: no grant beyond the owner, an unsigned GET refused
    grants = s3.get_object_acl(Bucket=BUCKET, Key=photo.image.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all("AllUsers" not in g["Grantee"].get("URI", "") for g in grants)

    # the page links a signed, expiring URL on the bucket, allowed by the CSP
    detail = client.get(reverse("reports:detail", args=[personas.community.slug,
                                                         photo.report_id]))
    page = detail.content.decode()
    signed = unescape(re.search(r'<img src="([^"]+)"', page).group(1))
    parts = urlsplit(signed)
    assert f"{parts.scheme}://{parts.netloc}" == s3_endpoint
    assert parts.path == f"/{BUCKET}/{photo.image.name}"
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == ["600"] and query["X-Amz-Signature"][0]
    assert s3_endpoint in detail["Content-Security-Policy"].split("img-src", 1)[1]
    with urllib.request.urlopen(signed, timeout=10) as response:
        assert response.read() == data


def test_refused_uploads_leave_nothing_in_the_bucket(s3, personas):
    client = personas.client("verified")
    url = reverse("reports:create", args=[personas.community.slug])
    fake = jpeg(name="x.jpg")
    fake.file.seek(0)
    fake.file.write(b"<html><script>alert(1)</script></html>")
    fake.file.truncate()
    fake.file.seek(0)
    r = client.post(url, {"category": "lamp", "description": "路灯不亮", "lat": LAT,
                          "lon": LON, "photos": [fake]})
    assert r.status_code == 200 and Report.objects.count() == 0
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


def test_an_unsigned_request_for_a_stored_photo_is_refused(s3, s3_endpoint, personas):
    client = personas.client("verified")
    url = reverse("reports:create", args=[personas.community.slug])
    client.post(url, {"category": "lamp", "description": "路灯不亮", "lat": LAT, "lon": LON,
                      "photos": [jpeg()]})
    photo = ReportPhoto.objects.get()
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{photo.image.name}", timeout=10)
    assert exc.value.code == 403
