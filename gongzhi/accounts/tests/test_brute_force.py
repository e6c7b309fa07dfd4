"""Brute-force limits (issue 8, item 4): password sign-in and meeting check-in codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.accounts.models import LoginLock
from gongzhi.meetings import services as meeting_services
from gongzhi.meetings.models import Attendance, MeetingKind
from gongzhi.meetings.tests.conftest import make_meeting

PASSWORD = "correct-horse-9"
URL = "/accounts/login/password/"


@pytest.fixture
def owner(personas):
    user = personas.owner
    user.email = "owner@example.org"
    user.set_password(PASSWORD)
    user.save()
    return user


def _try(client, password, login="owner@example.org", ip="198.51.100.7"):
    return client.post(URL, {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_thirty_wrong_passwords_then_the_right_one_does_not_get_in(client, owner, settings):
    answers = [_try(client, f"wrong-{i}") for i in range(30)]
    assert all(r.status_code == 200 for r in answers)
    assert "_auth_user_id" not in client.session
    r = _try(client, PASSWORD)
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    assert "分钟" in r.content.decode()  # "try again in N minutes", in the user's language
    # the first LOGIN_MAX_FAILURES_PER_ACCOUNT answers said "wrong", then "locked"
    texts = [a.content.decode() for a in answers]
    n = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
    assert all("分钟" not in t for t in texts[: n - 1]) and all("分钟" in t for t in texts[n:])


def test_lock_is_per_account_whatever_the_address(client, owner):
    for i in range(5):
        _try(client, f"wrong-{i}", ip=f"203.0.113.{i}")  # a new address every time
    _try(client, PASSWORD, ip="203.0.113.99")
    assert "_auth_user_id" not in client.session


def test_lock_is_per_address_across_accounts(client, owner, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 8
    for i in range(8):  # spread over many names, never five on one account
        _try(client, "x", login=f"someone{i}@example.org")
    _try(client, PASSWORD)  # right password, but from the same address
    assert "_auth_user_id" not in client.session
    _try(client, PASSWORD, ip="192.0.2.1")  # the owner elsewhere is fine
    assert "_auth_user_id" in client.session


def test_lock_ends_and_a_success_resets_the_count(client, owner):
    for i in range(4):
        _try(client, f"wrong-{i}")
    _try(client, PASSWORD)
    assert "_auth_user_id" in client.session
    client.logout()
    for i in range(4):  # the count started again: four more wrong ones do not lock
        _try(client, f"wrong-{i}")
    _try(client, PASSWORD)
    assert "_auth_user_id" in client.session
    client.logout()
    for i in range(5):
        _try(client, f"wrong-{i}")
    LoginLock.objects.filter(target__startswith="password:").update(
        locked_until="2000-01-01T00:00:00Z")
    _try(client, PASSWORD)
    assert "_auth_user_id" in client.session


def test_admin_sign_in_is_limited_too(client, owner):
    owner.is_staff = True
    owner.save()
    for i in range(6):
        client.post("/admin/login/", {"username": "owner@example.org", "password": f"w{i}"})
    client.post("/admin/login/", {"username": "owner@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_sms_sign_in_still_works_for_a_locked_account(client, owner, sms_outbox):
    for i in range(5):
        _try(client, f"wrong-{i}")
    assert LoginLock.objects.filter(target=f"password:user:{owner.pk}").exists()
    assert not LoginLock.objects.filter(target=owner.phone).exists()


# --- meeting check-in codes -----------------------------------------------------------------

@pytest.fixture
def council(personas):
    return make_meeting(personas.community, kind=MeetingKind.COUNCIL, days=0)  # check-in is open


def _wrong(meeting) -> str:
    return "222222" if meeting.checkin_code != "222222" else "333333"


def test_outsider_learns_nothing_about_the_code(personas, council):
    for code in (council.checkin_code, _wrong(council)):
        with pytest.raises(PermissionDenied):
            meeting_services.attendance_check_in(actor=personas.outsider, meeting=council,
                                                 code=code)
    assert not LoginLock.objects.exists()  # not even counted: the code was never compared


def test_outsider_gets_the_same_403_over_http(personas, council):
    client = personas.client("outsider")
    url = f"/api/v1/meetings/{council.pk}/check-in"
    right = client.post(url, {"code": council.checkin_code}, content_type="application/json")
    wrong = client.post(url, {"code": _wrong(council)}, content_type="application/json")
    assert right.status_code == wrong.status_code
    assert right.status_code in (403, 404)
    assert right.content == wrong.content


def test_wrong_codes_lock_the_person(personas, council, settings):
    for _ in range(settings.CHECKIN_MAX_FAILURES_PER_PERSON):
        with pytest.raises(ValidationError):
            meeting_services.attendance_check_in(actor=personas.owner, meeting=council,
                                                 code=_wrong(council))
    with pytest.raises(ValidationError) as exc:
        meeting_services.attendance_check_in(actor=personas.owner, meeting=council,
                                             code=council.checkin_code)
    assert exc.value.error_dict["code"][0].code == "locked"
    assert not Attendance.objects.exists()
    # someone else is not locked by it
    meeting_services.attendance_check_in(actor=personas.verified, meeting=council,
                                         code=council.checkin_code)


def test_wrong_codes_lock_the_meeting_until_a_new_code(personas, council, settings):
    settings.CHECKIN_MAX_FAILURES_PER_MEETING = 3
    settings.CHECKIN_MAX_FAILURES_PER_PERSON = 100
    for _ in range(3):
        with pytest.raises(ValidationError):
            meeting_services.attendance_check_in(actor=personas.owner, meeting=council,
                                                 code=_wrong(council))
    with pytest.raises(ValidationError):
        meeting_services.attendance_check_in(actor=personas.verified, meeting=council,
                                             code=council.checkin_code)
    meeting_services.checkin_code_renew(actor=personas.worker, meeting=council)
    council.refresh_from_db()
    meeting_services.attendance_check_in(actor=personas.verified, meeting=council,
                                         code=council.checkin_code)
    assert Attendance.objects.filter(meeting=council).count() == 1


def test_checkin_lock_over_http_shows_a_message(personas, council):
    client = personas.client("owner")
    url = f"/c/{personas.community.slug}/meetings/{council.pk}/check-in/"
    for _ in range(5):
        client.post(url, {"code": _wrong(council)})
    r = client.post(url, {"code": council.checkin_code})
    assert r.status_code == 200 and "分钟" in r.content.decode()
    assert not Attendance.objects.exists()
