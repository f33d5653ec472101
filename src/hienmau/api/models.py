"""API tokens: one per user or per integration (a facility's blood-bank software, a provincial portal),
each acting as one of the user's memberships, so the API sees exactly what that membership sees on the
pages. Only a SHA-256 hash of the secret is stored; the prefix identifies the token in lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hienmau.orgs.models import Membership


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    membership = models.ForeignKey(
        Membership, verbose_name=_("đơn vị và vai trò"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên (người dùng hoặc phần mềm kết nối)"), max_length=120)
    prefix = models.CharField(_("mã nhận diện"), max_length=16)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng gần nhất"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khoá truy cập API")
        verbose_name_plural = _("khoá truy cập API")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["key_hash"], name="api_token_unique_hash")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
