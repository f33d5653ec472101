"""The outbox: every message the system sends, kept with its idempotency key (`purpose`) so it is sent
once, retried when a gateway fails, and can be shown later; and the addresses that asked for no more."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("Tin nhắn SMS")
    EMAIL = "email", _("Thư điện tử")
    ZALO = "zalo", _("Zalo")


class Status(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    RETRYING = "retrying", _("Gửi lỗi, sẽ gửi lại")
    FAILED = "failed", _("Không gửi được")
    OPTED_OUT = "opted_out", _("Người nhận đã từ chối nhận tin")


class Message(models.Model):
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=255)
    body = models.TextField(_("nội dung"))
    purpose = models.CharField(
        _("mục đích"),
        max_length=120,
        unique=True,
        help_text="the idempotency key: what the message is for, e.g. drive:12:reminder:345; one message per key",
    )
    urgent = models.BooleanField(_("khẩn cấp"), default=False)  # emergencies skip quiet hours and rate limits
    backend = models.CharField(_("cổng gửi"), max_length=20)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi vào lúc"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    provider_id = models.CharField(_("mã tin của cổng gửi"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    error = models.CharField(_("lỗi gần nhất"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tin nhắn")
        verbose_name_plural = _("tin nhắn")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "retrying", "sending"]),
                name="notify_message_due",
            ),
            models.Index(fields=["recipient", "created_at"], name="notify_message_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} — {self.purpose}"


class OptOut(models.Model):
    """An address that asked not to be sent anything more on a channel (emergencies included: the person
    said no)."""

    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=255)
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("từ chối từ"), auto_now_add=True)

    class Meta:
        verbose_name = _("từ chối nhận tin")
        verbose_name_plural = _("từ chối nhận tin")
        constraints = [models.UniqueConstraint(fields=["channel", "recipient"], name="notify_optout_once")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} — {self.recipient}"
