from __future__ import annotations

import json

import pytest

from gongzhi.accounts import services
from gongzhi.accounts.models import Membership, User
from gongzhi.core.audit import audit_record


@pytest.mark.django_db
def test_export_contains_everything_about_the_user(personas):
    response = personas.client("owner").get("/accounts/me/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["phone"] == personas.owner.phone
    assert data["memberships"][0]["community"] == personas.community.name
    assert {r["role"] for r in data["roles"]} >= {"owner", "verified_resident"}
    for section in ("consents", "notifications", "organisations", "activity_log"):
        assert section in data


@pytest.mark.django_db
def test_export_does_not_leak_other_people(personas):
    data = json.loads(personas.client("owner").get("/accounts/me/export.json").content)
    dumped = json.dumps(data, ensure_ascii=False)
    assert personas.verified.phone not in dumped


@pytest.mark.django_db
def test_deleting_anonymises_but_keeps_contributions(personas):
    user = personas.owner
    entry = audit_record(actor=user, action="proposal.create", community=personas.community)
    client = personas.client("owner")
    response = client.post("/accounts/me/delete/", {"confirm": "nope"})
    assert response.status_code == 200
    response = client.post("/accounts/me/delete/", {"confirm": "删除"})
    assert response.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.phone is None and user.email is None and user.display_name == ""
    assert not user.is_active and user.deleted_at is not None
    from django.utils.translation import gettext

    assert user.public_name == gettext("Former resident")
    entry.refresh_from_db()
    assert entry.actor_id == user.pk  # the record stays, pointing at the anonymous account
    assert Membership.objects.get(user=user).status == Membership.Status.LEFT
    assert not user.role_assignments.exists()
    # The number can sign up again as a new person.
    assert not User.objects.filter(phone=personas.owner.phone).exists()


@pytest.mark.django_db
def test_deleted_account_cannot_log_in(personas, client):
    from gongzhi.testing.factories import PASSWORD

    services.user_delete(user=personas.verified)
    ok = client.login(username=personas.verified.username, password=PASSWORD)
    assert not ok


@pytest.mark.django_db
@pytest.mark.parametrize("word,ok", [("注销", True), ("nope", False), ("phone", True)])
def test_deletion_is_confirmed_with_注销_or_the_phone_number(personas, word, ok):
    user = personas.owner
    if word == "phone":
        word = user.phone
        assert word
    response = personas.client("owner").post("/accounts/me/delete/", {"confirm": word})
    assert response.status_code == (302 if ok else 200)
    if not ok:
        html = response.content.decode()
        assert "DELETE" not in html and "注销" in html
