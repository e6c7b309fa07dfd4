"""One-time codes: hashed, expiring, rate-limited per number and per IP, locked after failures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.accounts import services
from gongzhi.accounts.models import OneTimeCode, User

PHONE = "13812345678"


def _code_from(outbox) -> str:
    return re.search(r"(?<!\d)(\d{6})(?!\d)", outbox[-1][1]).group(1)


@pytest.mark.django_db
def test_a_code_is_sent_by_sms_and_only_its_hash_is_stored(sms_outbox):
    code = services.otp_request(channel="sms", target=PHONE, ip="10.0.0.1")
    assert sms_outbox[-1][0] == PHONE
    assert code in sms_outbox[-1][1]
    row = OneTimeCode.objects.get(target=PHONE)
    assert code not in row.code_hash
    assert len(row.code_hash) == 64


@pytest.mark.django_db
def test_the_right_code_signs_up_a_new_user(sms_outbox):
    services.otp_request(channel="sms", target=PHONE, ip=None)
    user = services.otp_verify(target=PHONE, code=_code_from(sms_outbox))
    assert user.phone == PHONE
    assert User.objects.filter(phone=PHONE).count() == 1


@pytest.mark.django_db
def test_a_code_works_only_once(sms_outbox):
    services.otp_request(channel="sms", target=PHONE, ip=None)
    code = _code_from(sms_outbox)
    services.otp_verify(target=PHONE, code=code)
    with pytest.raises(ValidationError) as exc:
        services.otp_verify(target=PHONE, code=code)
    assert exc.value.code == "expired"


@pytest.mark.django_db
def test_an_expired_code_is_refused(sms_outbox):
    services.otp_request(channel="sms", target=PHONE, ip=None)
    OneTimeCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError) as exc:
        services.otp_verify(target=PHONE, code=_code_from(sms_outbox))
    assert exc.value.code == "expired"


@pytest.mark.django_db
def test_codes_expire_after_five_minutes(sms_outbox):
    before = timezone.now()
    services.otp_request(channel="sms", target=PHONE, ip=None)
    row = OneTimeCode.objects.get()
    assert dt.timedelta(minutes=4, seconds=59) < row.expires_at - before <= dt.timedelta(
        minutes=5, seconds=1)


@pytest.mark.django_db
def test_five_wrong_codes_lock_the_number_even_with_the_right_code_after(sms_outbox, settings):
    services.otp_request(channel="sms", target=PHONE, ip=None)
    right = _code_from(sms_outbox)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(settings.OTP_MAX_ATTEMPTS - 1):
        with pytest.raises(ValidationError) as exc:
            services.otp_verify(target=PHONE, code=wrong)
        assert exc.value.code == "wrong"
    with pytest.raises(ValidationError) as exc:
        services.otp_verify(target=PHONE, code=wrong)
    assert exc.value.code == "locked"
    with pytest.raises(ValidationError) as exc:
        services.otp_verify(target=PHONE, code=right)
    assert exc.value.code == "locked"
    with pytest.raises(services.RateLimited):
        services.otp_request(channel="sms", target=PHONE, ip=None)


@pytest.mark.django_db
def test_resending_too_soon_is_refused(sms_outbox):
    services.otp_request(channel="sms", target=PHONE, ip=None)
    with pytest.raises(services.RateLimited) as exc:
        services.otp_request(channel="sms", target=PHONE, ip=None)
    assert 0 < exc.value.retry_after <= 60


@pytest.mark.django_db
def test_per_number_hourly_limit(sms_outbox, settings):
    settings.OTP_RESEND_SECONDS = 0
    for _ in range(settings.OTP_PER_TARGET_PER_HOUR):
        services.otp_request(channel="sms", target=PHONE, ip=None)
    with pytest.raises(services.RateLimited):
        services.otp_request(channel="sms", target=PHONE, ip=None)
    assert len(sms_outbox) == settings.OTP_PER_TARGET_PER_HOUR


@pytest.mark.django_db
def test_per_ip_hourly_limit(sms_outbox, settings):
    settings.OTP_RESEND_SECONDS = 0
    settings.OTP_PER_IP_PER_HOUR = 3
    for i in range(3):
        services.otp_request(channel="sms", target=f"1381234560{i}", ip="10.1.1.1")
    with pytest.raises(services.RateLimited):
        services.otp_request(channel="sms", target="13812345699", ip="10.1.1.1")
    services.otp_request(channel="sms", target="13812345699", ip="10.1.1.2")


@pytest.mark.django_db
def test_login_page_keeps_the_number_and_explains_a_bad_one(client):
    response = client.post("/accounts/login/", {"phone": "12345"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="12345"' in page
    assert "11" in page  # the message explains the 11-digit format


@pytest.mark.django_db
def test_full_phone_login_flow_asks_for_consent_then_lands_home(client, sms_outbox):
    response = client.post("/accounts/login/", {"phone": "+86 138-1234-5678"})
    assert response.status_code == 302
    assert sms_outbox[-1][0] == PHONE
    wrong = client.post("/accounts/login/code/", {"code": "12"})
    assert "6" in wrong.content.decode()
    response = client.post("/accounts/login/code/", {"code": _code_from(sms_outbox)})
    assert response["Location"] == "/accounts/consent/"
    response = client.post("/accounts/consent/", {})
    assert response.status_code == 200  # not ticked: stays, with an error
    response = client.post("/accounts/consent/", {"agree": "on"})
    assert response.status_code == 302
    user = User.objects.get(phone=PHONE)
    consent = user.consents.get()
    assert consent.version and consent.accepted_at


@pytest.mark.django_db
def test_phone_is_masked_for_others():
    user = User(phone="13812341234")
    assert user.masked_phone == "138****1234"
    assert user.public_name == "138****1234"
