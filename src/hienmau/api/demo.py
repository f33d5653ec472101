"""Demo data: an integration token for the Kiên Giang provincial hospital's blood-bank software
(account bv.kiengiang), printed once when created, so the API and scripts/facility_push.py can be tried
against `make run` (docs/api.md)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from hienmau.api.models import ApiToken
from hienmau.api.tokens import create_token
from hienmau.orgs.models import Membership

DEMO_USER = "bv.kiengiang"
DEMO_TOKEN_NAME = "Phần mềm ngân hàng máu (dữ liệu mẫu)"


def load_demo(write=None) -> int:
    user = get_user_model().objects.filter(username=DEMO_USER).first()
    membership = Membership.objects.filter(user=user).order_by("pk").first() if user else None
    if membership is None or ApiToken.objects.filter(user=user, name=DEMO_TOKEN_NAME).exists():
        return 0
    _token, secret = create_token(user, membership, DEMO_TOKEN_NAME)
    if write:
        write(f"Khoá API mẫu của {DEMO_USER} ({membership.unit.full_name}), chỉ hiển thị lần này: {secret}")
    return 1
