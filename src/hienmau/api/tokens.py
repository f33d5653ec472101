"""Creating, checking and revoking API tokens. The secret is shown once, when created; only its SHA-256
hash and a short prefix are kept."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hienmau.api.models import ApiToken
from hienmau.orgs.models import Membership

PREFIX = "hm_"
SHOWN = 8  # characters of the secret shown after the prefix in lists
LAST_USED_EVERY = 60  # seconds: last_used_at is written at most once a minute per token


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """A new token acting as one of the user's memberships; returns it and the secret (shown once)."""
    if membership.user_id != user.pk:
        raise ValidationError(_("Chỉ tạo được khoá cho vai trò của chính bạn."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Đặt tên cho khoá (ví dụ tên phần mềm kết nối)."))
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, membership=membership, name=name[:120], prefix=raw[: len(PREFIX) + SHOWN], key_hash=hash_key(raw)
    )
    return token, raw


def revoke_token(token: ApiToken) -> bool:
    """Revoke once; False when it was already revoked."""
    with transaction.atomic():
        return ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()) == 1


def find_token(raw: str) -> ApiToken | None:
    """The active token with this secret, its user active; None otherwise."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user", "membership__unit")
        .filter(key_hash=hash_key(raw), user__is_active=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.key_hash, hash_key(raw)):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(user):
    """A user's own tokens, newest first: nobody else lists or revokes them."""
    return ApiToken.objects.filter(user=user)
