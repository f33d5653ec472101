"""Every message the system sends, kept with its purpose so it is sent once and can be shown later."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    channel = models.CharField(_("kênh"), max_length=10, choices=[("sms", "SMS"), ("email", "Email"), ("zalo", "Zalo")])
    recipient = models.CharField(_("người nhận"), max_length=255)
    body = models.TextField(_("nội dung"))
    purpose = models.CharField(
        _("mục đích"),
        max_length=120,
        unique=True,
        help_text="what the message is for, e.g. drive:12:reminder:345; one message per purpose",
    )
    backend = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} — {self.purpose}"
