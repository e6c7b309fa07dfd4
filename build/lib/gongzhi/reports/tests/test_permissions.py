"""Every action × every persona (plus the reporter and a member of the assigned
organisation), through the services, both allowed and refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from gongzhi.reports import services
from gongzhi.reports.models import Status

NAMES = ("anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
         "other_admin", "subdistrict_admin", "org_member", "reporter")
STAFF = {"worker", "admin", "subdistrict_admin"}
MEMBERS = {"resident", "verified", "owner"}


def _user(name, personas, org_member, reporter):
    if name == "org_member":
        return org_member
    if name == "reporter":
        return reporter
    return personas.user(name)


def _anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# action: (status the report must be in, expected allowed personas, extra kwargs)
MATRIX = {
    "accept": (Status.SUBMITTED, STAFF, {"organisation": "org"}),
    "refuse": (Status.SUBMITTED, STAFF, {"note": "重复报事"}),
    "assign": (Status.ACCEPTED, STAFF, {"organisation": "other_org"}),
    "start": (Status.ACCEPTED, STAFF | {"org_member"}, {}),
    "resolve": (Status.IN_PROGRESS, STAFF | {"org_member"}, {"note": "已更换灯泡"}),
    "confirm": (Status.RESOLVED, {"reporter"}, {}),
    "reopen": (Status.RESOLVED, {"reporter"}, {"note": "晚上还是不亮"}),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_transition_permission_matrix(action, name, personas, org, other_org, org_member,
                                      reporter, make_report, move):
    status, allowed, extra = MATRIX[action]
    report = move(make_report(), status)
    kwargs = {k: {"org": org, "other_org": other_org}.get(v, v) for k, v in extra.items()}
    user = _user(name, personas, org_member, reporter) or _anon()
    if name in allowed:
        moved = services.report_transition(actor=user, report=report, action=action, **kwargs)
        assert moved.status != status or action == "assign"
    else:
        with pytest.raises(PermissionDenied):
            services.report_transition(actor=user, report=report, action=action, **kwargs)
        report.refresh_from_db()
        assert report.status == status


def test_org_member_of_another_org_may_not_resolve(personas, other_org, org_member, make_report,
                                                   move):
    report = move(make_report(), Status.ACCEPTED)
    services.report_transition(actor=personas.worker, report=report, action="assign",
                               organisation=other_org)
    with pytest.raises(PermissionDenied):
        services.report_transition(actor=org_member, report=report, action="start")


@pytest.mark.parametrize("name", NAMES)
def test_create_and_me_too_permission(name, personas, org_member, reporter, make_report):
    user = _user(name, personas, org_member, reporter)
    allowed = name in MEMBERS | STAFF | {"reporter"}
    from gongzhi.testing.factories import UserFactory, make_member

    target = make_report(by=make_member(UserFactory(), personas.community))
    if allowed:
        assert make_report(by=user).pk
        _obj, created = services.report_me_too(actor=user, report=target)
        assert created
    else:
        with pytest.raises(PermissionDenied):
            make_report(by=user or _anon())
        with pytest.raises(PermissionDenied):
            services.report_me_too(actor=user or _anon(), report=target)


@pytest.mark.parametrize("name", NAMES)
def test_moderation_permission(name, personas, org_member, reporter, make_report):
    user = _user(name, personas, org_member, reporter) or _anon()
    report = make_report()
    if name in STAFF:
        assert services.report_hide(actor=user, report=report, reason="含个人信息").hidden_at
    else:
        with pytest.raises(PermissionDenied):
            services.report_hide(actor=user, report=report, reason="含个人信息")


@pytest.mark.parametrize("name", NAMES)
def test_targets_permission(name, personas, org_member, reporter):
    user = _user(name, personas, org_member, reporter) or _anon()
    if name in {"admin", "subdistrict_admin"}:
        t = services.response_targets_update(actor=user, community=personas.community,
                                             accept_hours=12, resolve_days=5, confirm_days=7)
        assert t.pk
    else:
        with pytest.raises(PermissionDenied):
            services.response_targets_update(actor=user, community=personas.community,
                                             accept_hours=12, resolve_days=5, confirm_days=7)


PAGES = {
    "queue": STAFF | {"org_member"},
    "stats": STAFF,
    "stats_csv": STAFF,
    "targets": {"admin", "subdistrict_admin"},
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("page", list(PAGES))
def test_staff_pages(page, name, personas, org_member, reporter, client):
    from django.urls import reverse

    user = _user(name, personas, org_member, reporter)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(f"reports:{page}", args=[personas.community.slug]))
    if user is None:
        assert response.status_code == 302
    elif name in PAGES[page]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
