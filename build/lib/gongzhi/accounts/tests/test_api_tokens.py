from __future__ import annotations

import re

import pytest
from django.test import Client

from gongzhi.accounts.models import ApiToken


@pytest.mark.django_db
def test_a_token_is_shown_once_and_authenticates_the_api(personas):
    client = personas.client("worker")
    page = client.post("/accounts/me/tokens/", {"name": "街道报表系统"}).content.decode()
    raw = re.search(r"gz_[A-Za-z0-9_\-]+", page).group(0)
    token = ApiToken.objects.get(user=personas.worker)
    assert raw not in token.token_hash
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me").json()["display_name"] == personas.worker.public_name
    url = f"/api/v1/communities/{personas.community.slug}/households"
    assert api.get(url).status_code == 200
    # The token page never shows it again.
    assert raw not in client.get("/accounts/me/tokens/").content.decode()


@pytest.mark.django_db
def test_revoked_and_wrong_tokens_are_refused(personas):
    client = personas.client("verified")
    page = client.post("/accounts/me/tokens/", {"name": "x"}).content.decode()
    raw = re.search(r"gz_[A-Za-z0-9_\-]+", page).group(0)
    token = ApiToken.objects.get(user=personas.verified)
    client.post("/accounts/me/tokens/", {"revoke": token.pk})
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer nonsense").get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_nobody_revokes_someone_elses_token(personas):
    personas.client("verified").post("/accounts/me/tokens/", {"name": "x"})
    token = ApiToken.objects.get(user=personas.verified)
    personas.client("owner").post("/accounts/me/tokens/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_an_empty_name_is_refused_and_no_token_made(personas):
    response = personas.client("verified").post("/accounts/me/tokens/", {"name": ""})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
