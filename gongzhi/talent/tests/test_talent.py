"""The talent pool: consent, search, phone visibility, invitations, matrix, personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.talent import selectors, services
from gongzhi.talent.models import TalentInvitation

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def fresh(user):
    if user is not None:
        for key in ("_gz_roles", "_gz_access", "_gz_area_regions", "_perm_cache"):
            user.__dict__.pop(key, None)
    return user


def _client(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def talent(personas):
    personas.owner.phone = PHONE
    personas.owner.save(update_fields=["phone"])
    return services.profile_save(actor=personas.owner, community=personas.community,
                                 skills=["carpentry", "gardening"], other_skills="做木凳",
                                 description="退休木工，能做花园长椅", weekends=True,
                                 consent=True)


@pytest.fixture
def task(personas):
    from gongzhi.projects.models import Project, Task

    project = Project.objects.create(community=personas.community, title="锅炉房花园")
    start = timezone.now() + dt.timedelta(days=3)
    return Task.objects.create(project=project, community=personas.community,
                               title="搭建种植箱", starts_at=start,
                               ends_at=start + dt.timedelta(hours=3), capacity=2,
                               skills="木工")


def test_consent_is_recorded_and_revoking_hides_at_once(personas, talent):
    assert talent.consent.notice_version and talent.consent.given_at
    assert list(selectors.pool(personas.community, skill="carpentry")) == [talent]
    assert list(selectors.pool(personas.community, building="3")) == [talent]
    assert not selectors.pool(personas.community, skill="law").exists()
    services.consent_revoke(actor=personas.owner, profile=talent)
    assert not selectors.pool(personas.community).exists()
    r = _client(personas.worker).get(reverse("talent:detail",
                                             args=[personas.community.slug, talent.pk]))
    assert r.status_code == 404
    # consenting again records a new consent; the old one stays withdrawn
    services.profile_save(actor=personas.owner, community=personas.community,
                          skills=["carpentry"], consent=True)
    assert talent.consents.count() == 2 and talent.consents.filter(revoked_at__isnull=False)


def test_unticking_consent_on_the_form_withdraws_it(personas, talent):
    services.profile_save(actor=personas.owner, community=personas.community,
                          skills=["carpentry"], consent=False)
    talent.refresh_from_db()
    assert not talent.searchable and talent.consent.revoked_at is not None
    assert not selectors.pool(personas.community).exists()


def test_a_profile_without_consent_is_not_in_the_pool(personas):
    services.profile_save(actor=personas.verified, community=personas.community,
                          skills=["law"], consent=False)
    assert not selectors.pool(personas.community).exists()
    with pytest.raises(ValidationError):
        services.profile_save(actor=personas.verified, community=personas.community,
                              skills=["not-a-skill"])
    with pytest.raises(PermissionDenied):
        services.profile_save(actor=personas.outsider, community=personas.community,
                              skills=["law"])


def test_the_phone_number_is_shown_to_workers_only_and_only_while_consent_holds(
        personas, talent, task):
    slug = personas.community.slug
    detail = reverse("talent:detail", args=[slug, talent.pk])
    assert PHONE in _client(personas.worker).get(detail).content.decode()
    api = f"/api/v1/talent/pool?community={slug}"
    assert _client(personas.worker).get(api).json()["items"][0]["phone"] == PHONE
    for role in ("verified", "resident", "other_admin", "outsider"):
        c = _client(personas.user(role))
        for url in (detail, reverse("talent:search", args=[slug]), api,
                    reverse("talent:me", args=[slug]),
                    reverse("projects:detail", args=[slug, task.project_id])):
            r = c.get(url)
            assert PHONE not in r.content.decode(), (role, url)
            assert PHONE[-4:] not in r.content.decode() or r.status_code != 200, (role, url)
    services.consent_revoke(actor=personas.owner, profile=talent)
    assert PHONE not in _client(personas.worker).get(api).content.decode()


def test_matrix(personas, talent):
    slug = personas.community.slug
    pages = {"me": reverse("talent:me", args=[slug]),
             "search": reverse("talent:search", args=[slug]),
             "detail": reverse("talent:detail", args=[slug, talent.pk])}
    allowed = {"me": {"resident", "verified", "owner"},
               "search": {"worker", "admin", "subdistrict_admin"},
               "detail": {"worker", "admin", "subdistrict_admin"}}
    for name, url in pages.items():
        for role in personas.NAMES:
            r = _client(fresh(personas.user(role))).get(url)
            expected = (200 if role in allowed[name]
                        else 302 if role == "anonymous" else 403)
            assert r.status_code == expected, (name, role, r.status_code)


def test_invite_accept_signs_up_to_the_task(personas, talent, task):
    from gongzhi.notifications.models import Notification
    from gongzhi.projects.models import TaskSignup

    inv = services.invitation_create(actor=personas.worker, profile=talent, task=task,
                                     message="需要您的木工手艺")
    assert Notification.objects.filter(user=personas.owner, kind="talent.invitation").exists()
    with pytest.raises(ValidationError):
        services.invitation_create(actor=personas.worker, profile=talent, task=task)
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=personas.verified, profile=talent, task=task)
    with pytest.raises(PermissionDenied):
        services.invitation_respond(actor=personas.verified, invitation=inv, accept=True)
    r = _client(personas.owner).post(reverse("talent:answer",
                                             args=[personas.community.slug, inv.pk]),
                                     {"accept": "1"})
    assert r.status_code == 302
    inv.refresh_from_db()
    assert inv.status == TalentInvitation.Status.ACCEPTED
    assert TaskSignup.objects.filter(task=task, user=personas.owner).exists()


def test_decline_and_revocation_withdraws_pending_invitations(personas, talent, task):
    inv = services.invitation_create(actor=personas.worker, profile=talent, task=task)
    services.consent_revoke(actor=personas.owner, profile=talent)
    inv.refresh_from_db()
    assert inv.status == "withdrawn"


def test_search_page_form_and_query_count(personas, talent, django_assert_max_num_queries):
    from gongzhi.testing.factories import UserFactory, make_member

    for i in range(6):
        u = make_member(UserFactory(display_name=f"能人{i}"), personas.community)
        services.profile_save(actor=u, community=personas.community, skills=["design"],
                              consent=True)
    c = _client(personas.worker)
    with django_assert_max_num_queries(30):
        r = c.get(reverse("talent:search", args=[personas.community.slug]) + "?skill=design")
    assert r.status_code == 200 and "能人5" in r.content.decode()
    r = c.get(reverse("talent:search", args=[personas.community.slug]) + "?skill=carpentry")
    assert "3号楼" in r.content.decode()            # the owner's household building
    with django_assert_max_num_queries(30):
        assert c.get(reverse("talent:detail",
                             args=[personas.community.slug, talent.pk])).status_code == 200
    r = _client(personas.verified).post(reverse("talent:me", args=[personas.community.slug]),
                                        {"other_skills": "", "description": "我会很多"})
    assert r.status_code == 200 and "我会很多" in r.content.decode()


def test_personal_data_export_and_deletion(personas, talent):
    from gongzhi.accounts.services import user_delete, user_export_data
    from gongzhi.talent.models import TalentProfile

    data = user_export_data(user=personas.owner)
    assert data["talent"][0]["skills"] == ["carpentry", "gardening"]
    user_delete(user=personas.owner)
    assert not TalentProfile.objects.exists()
