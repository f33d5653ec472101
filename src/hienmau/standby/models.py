"""Emergency requests raised by a facility, and the calls made to donors for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hienmau.donors.models import Donor
from hienmau.orgs.models import Unit


class BloodComponent(models.TextChoices):
    WHOLE_BLOOD = "whole_blood", _("máu toàn phần")
    RED_CELLS = "red_cells", _("khối hồng cầu")
    PLATELETS = "platelets", _("tiểu cầu")
    PLASMA = "plasma", _("huyết tương")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("khẩn cấp")
    NORMAL = "normal", _("cần sớm")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("đang gọi")
    FILLED = "filled", _("đã đủ")
    CANCELLED = "cancelled", _("đã huỷ")


class CallOutcome(models.TextChoices):
    PENDING = "", _("chưa trả lời")
    ACCEPTED = "accepted", _("đồng ý")
    DECLINED = "declined", _("từ chối")
    NO_ANSWER = "no_answer", _("không trả lời")
    UNREACHABLE = "unreachable", _("không liên lạc được")
    CAME = "came", _("đã đến")
    DONATED = "donated", _("đã hiến")


class EmergencyRequest(models.Model):
    facility = models.ForeignKey(Unit, verbose_name=_("cơ sở yêu cầu"), on_delete=models.PROTECT, related_name="+")
    abo = models.CharField(_("nhóm máu ABO"), max_length=2)
    rh = models.CharField(_("Rh"), max_length=1)
    component = models.CharField(_("chế phẩm"), max_length=12, choices=BloodComponent.choices)
    units = models.PositiveSmallIntegerField(_("số đơn vị cần"))
    urgency = models.CharField(_("mức độ"), max_length=8, choices=Urgency.choices, default=Urgency.URGENT)
    needed_by = models.DateTimeField(_("cần trước"))
    place = models.CharField(_("nơi nhận máu"), max_length=255, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=RequestStatus.choices, default="open")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    filled_at = models.DateTimeField(_("đủ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu máu gấp")
        verbose_name_plural = _("yêu cầu máu gấp")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.abo} Rh{'−' if self.rh == '-' else '+'}, {self.units} {self.get_component_display()}"


class Call(models.Model):
    """One person called for one request: nobody is called twice in a request."""

    request = models.ForeignKey(EmergencyRequest, on_delete=models.CASCADE, related_name="calls")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="standby_calls")
    wave = models.PositiveSmallIntegerField(_("đợt gọi"), default=1)
    channel = models.CharField(_("kênh liên lạc"), max_length=10, default="sms")
    at = models.DateTimeField(_("gọi lúc"), auto_now_add=True)
    outcome = models.CharField(_("kết quả"), max_length=12, choices=CallOutcome.choices, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cuộc gọi")
        verbose_name_plural = _("cuộc gọi")
        constraints = [models.UniqueConstraint(fields=["request", "donor"], name="standby_call_once_per_request")]

    def __str__(self) -> str:
        return f"{self.request} — {self.get_outcome_display()}"
