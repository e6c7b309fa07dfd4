"""Fixtures for the reports tests: an organisation with a member, a neighbour who reports,
photos made with Pillow, and uploads written to a temporary MEDIA_ROOT."""

from __future__ import annotations

import io
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.accounts.models import Role, RoleAssignment
from gongzhi.orgs.models import OrgMember
from gongzhi.reports import services
from gongzhi.testing.factories import OrganisationFactory, UserFactory, make_member

LON, LAT = 121.5035, 31.2835


def offset(east_m: float, north_m: float = 0.0, lon: float = LON, lat: float = LAT):
    """(lon, lat) moved east/north by metres (local flat approximation, fine at 30-40 m)."""
    return (lon + east_m / (111_320 * math.cos(math.radians(lat))), lat + north_m / 111_320)


def jpeg(*, gps: bool = False, size=(64, 48), name="photo.jpg") -> SimpleUploadedFile:
    img = Image.new("RGB", size, (200, 60, 40))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        gps_ifd = {1: "N", 2: (31.0, 17.0, 0.6), 3: "E", 4: (121.0, 30.0, 12.6)}
        exif[0x8825] = gps_ifd
        exif[0x010F] = "TestCam"
        img.save(out, format="JPEG", exif=exif)
    else:
        img.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as img:
        return bool(img.getexif().get_ifd(0x8825))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def org(personas):
    return OrganisationFactory(community=personas.community, name="大院物业")


@pytest.fixture
def other_org(personas):
    return OrganisationFactory(community=personas.community, name="维修承包商")


@pytest.fixture
def org_member(org):
    user = UserFactory(display_name="物业师傅")
    OrgMember.objects.create(organisation=org, user=user, title="维修工")
    RoleAssignment.objects.create(user=user, community=org.community, role=Role.ORG_MEMBER)
    return user


@pytest.fixture
def reporter(personas):
    return make_member(UserFactory(display_name="报事的邻居"), personas.community)


@pytest.fixture
def make_report(personas, reporter):
    def _make(*, by=None, category="lamp", lon=LON, lat=LAT, **kwargs):
        kwargs.setdefault("description", "3号楼前的路灯不亮了")
        return services.report_create(actor=by or reporter, community=personas.community,
                                      category=category, lon=lon, lat=lat, **kwargs)
    return _make


@pytest.fixture
def move(personas, org):
    """Bring a report to a status along the legal path."""
    from gongzhi.reports.models import Status

    def _move(report, status):
        w = personas.worker
        path = {
            Status.SUBMITTED: [],
            Status.ACCEPTED: [("accept", {"organisation": org})],
            Status.REFUSED: [("refuse", {"note": "不属于本社区"})],
            Status.IN_PROGRESS: [("accept", {"organisation": org}), ("start", {})],
            Status.RESOLVED: [("accept", {"organisation": org}), ("start", {}),
                              ("resolve", {"note": "已修好"})],
            Status.REOPENED: [("accept", {"organisation": org}), ("resolve", {"note": "已修好"}),
                              ("reopen", {"note": "又坏了"})],
            Status.CLOSED: [("accept", {"organisation": org}), ("resolve", {"note": "已修好"}),
                            ("confirm", {})],
        }[status]
        for action, kw in path:
            actor = report.reporter if action in ("confirm", "reopen") else w
            report = services.report_transition(actor=actor, report=report, action=action,
                                                 **kw)
        report.refresh_from_db()
        assert report.status == status
        return report
    return _move
