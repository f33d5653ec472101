"""Tokens are created and revoked under the user's account: the secret shown once, only its prefix
listed afterwards, nobody else's tokens reachable."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hienmau.api.models import ApiToken
from hienmau.api.tokens import hash_key
from hienmau.orgs.models import Membership
from tests.api.conftest import api_client

pytestmark = pytest.mark.django_db

PAGE = "/account/api-tokens/"


def test_a_token_is_shown_once_then_listed_by_prefix_and_works(people, client_for):
    client = client_for(people.district_officer)
    membership = Membership.objects.get(user=people.district_officer)
    response = client.post(PAGE, {"name": "Phần mềm ngân hàng máu", "membership": membership.pk})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = re.search(r'id="token-secret">([^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(secret) and token.membership == membership
    again = client.get(PAGE).content.decode()
    assert secret not in again and f"{token.prefix}…" in again and "Phần mềm ngân hàng máu" in again
    assert api_client(secret).get("/api/v1/units/").status_code == 200


def test_revoking_stops_the_token_and_only_the_owner_may(people, client_for):
    membership = Membership.objects.get(user=people.district_officer)
    client_for(people.district_officer).post(PAGE, {"name": "Cổng tỉnh", "membership": membership.pk})
    token = ApiToken.objects.get()
    revoke = reverse("api_tokens:token_revoke", args=[token.pk])
    assert client_for(people.van_du_focal).post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.is_active
    response = client_for(people.district_officer).post(revoke, follow=True)
    assert "Đã thu hồi khoá" in response.content.decode()
    token.refresh_from_db()
    assert not token.is_active


def test_a_token_may_act_only_as_ones_own_membership(people, client_for):
    other = Membership.objects.get(user=people.province_officer)
    response = client_for(people.district_officer).post(PAGE, {"name": "Mượn quyền", "membership": other.pk})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    assert "Hãy chọn" in response.content.decode() or "lựa chọn" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
