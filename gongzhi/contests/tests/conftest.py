"""Fixtures for contest tests: the persona cast plus a volunteer and a member of the
property company, contests in each stage, PNG pictures with EXIF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.contests import services
from gongzhi.contests.models import Contest, Licence


def fresh(user):
    if user is not None:
        for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_gz_project_team",
                    "_gz_project_orgs",
                    "_perm_cache", "_gz_contest_jury", "_gz_news_orgs", "_gz_news_place"):
            user.__dict__.pop(key, None)
    return user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def cast(personas):
    """Personas plus ``volunteer`` and ``property_member`` (an org member of the property
    company), as a dict name -> user (anonymous is None)."""
    from gongzhi.accounts.models import Role
    from gongzhi.orgs.models import OrgKind, OrgMember
    from gongzhi.testing.factories import OrganisationFactory, UserFactory, make_member

    volunteer = make_member(UserFactory(display_name="志愿者"), personas.community,
                            Role.VOLUNTEER)
    org = OrganisationFactory(community=personas.community, kind=OrgKind.PROPERTY,
                              name="物业公司")
    member = UserFactory(display_name="物业管家")
    OrgMember.objects.create(organisation=org, user=member, title="管家")
    from gongzhi.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=member, community=personas.community,
                                  role=Role.ORG_MEMBER)
    people = {n: personas.user(n) for n in personas.NAMES}
    people["volunteer"] = volunteer
    people["property_member"] = member
    people["_org"] = org
    return people


def png(color=(200, 30, 30), size=(64, 64), *, exif: bool = False) -> SimpleUploadedFile:
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if exif:
        e = Image.Exif()
        e[0x010F] = "PhoneMaker"  # Make
        e[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}
        kwargs["exif"] = e.tobytes()
        img.save(out, format="JPEG", **kwargs)
        return SimpleUploadedFile("我的照片.html.jpg", out.getvalue(), content_type="image/jpeg")
    img.save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def dates(*, opens=-5, closes=5, vote_from=6, vote_to=10) -> dict:
    now = timezone.now()
    return {"submission_opens": now + dt.timedelta(days=opens),
            "submission_closes": now + dt.timedelta(days=closes),
            "voting_opens": now + dt.timedelta(days=vote_from),
            "voting_closes": now + dt.timedelta(days=vote_to),
            "announce_on": timezone.localdate(now + dt.timedelta(days=vote_to + 1))}


def make_contest(personas, kind="logo", *, publish=True, **kw) -> Contest:
    params = {**dates(), **kw}
    contest = services.contest_create(actor=personas.worker, community=personas.community,
                                      kind=kind, title="社区标志征集",
                                      brief="设计一个社区标志", **params)
    if publish:
        contest = services.contest_publish(actor=personas.worker, contest=contest)
    return contest


def to_stage(contest: Contest, stage: str) -> Contest:
    """Move the dates so ``contest`` is in ``stage`` now (exhibition, voting, counting)."""
    now = timezone.now()
    d = dt.timedelta(days=1)
    spans = {"submission": (-5 * d, 5 * d, 6 * d, 10 * d),
             "exhibition": (-10 * d, -2 * d, 2 * d, 6 * d),
             "voting": (-10 * d, -5 * d, -1 * d, 3 * d),
             "counting": (-12 * d, -8 * d, -5 * d, -1 * d)}[stage]
    Contest.objects.filter(pk=contest.pk).update(
        submission_opens=now + spans[0], submission_closes=now + spans[1],
        voting_opens=now + spans[2], voting_closes=now + spans[3],
        announce_on=timezone.localdate(now + spans[3]) + dt.timedelta(days=1))
    contest.refresh_from_db()
    return contest


def enter(user, contest, title="三个屋顶", **kw) -> object:
    params = {"statement": "三个屋顶代表三类居民", "licence": Licence.COMMUNITY,
              "consent_publish": True, "image": png(), "alt_text": "红色圆环中三个屋顶", **kw}
    return services.entry_submit(actor=fresh(user), contest=contest, title=title, **params)


@pytest.fixture
def logo_contest(personas):
    return make_contest(personas)


@pytest.fixture
def gallery_contest(personas, cast):
    """A logo contest with three approved entries, in the exhibition."""
    contest = make_contest(personas)
    people = [personas.verified, personas.owner, cast["volunteer"]]
    for i, u in enumerate(people):
        e = enter(u, contest, title=f"作品{i + 1}")
        services.entry_moderate(actor=personas.worker, entry=e, approve=True)
    return to_stage(contest, "exhibition")
