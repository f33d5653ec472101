"""Clubs of reserve and rare-group donors with their rosters, emergency requests raised by a facility, and
the calls made to donors for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hienmau.core import clock
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


class ClubKind(models.TextChoices):
    RESERVE = "reserve", _("CLB hiến máu dự bị")
    CLUB_25 = "club25", _("CLB 25")
    RARE = "rare", _("CLB nhóm máu hiếm Rh(−)")
    LIVING_BANK = "living_bank", _("Ngân hàng máu sống")


class Club(models.Model):
    """A club of donors ready to give at short notice, attached to a unit (a Red Cross office, a school, a
    commune); its chair keeps the roster."""

    name = models.CharField(_("tên câu lạc bộ"), max_length=255)
    kind = models.CharField(_("loại câu lạc bộ"), max_length=12, choices=ClubKind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("trực thuộc đơn vị"), on_delete=models.PROTECT, related_name="+")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chủ nhiệm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_clubs",
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("câu lạc bộ hiến máu")
        verbose_name_plural = _("câu lạc bộ hiến máu")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("đang tham gia")
    PAUSED = "paused", _("tạm nghỉ")
    LEFT = "left", _("đã rời câu lạc bộ")


class ContactChannel(models.TextChoices):
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")
    EMAIL = "email", _("Thư điện tử")


class ClubMember(models.Model):
    """A donor on a club's roster. Eligible (the rules) is not available (the person's word): a member
    may say "not now until dd/mm" while eligible, and both are kept."""

    club = models.ForeignKey(Club, verbose_name=_("câu lạc bộ"), on_delete=models.CASCADE, related_name="members")
    donor = models.ForeignKey(
        Donor, verbose_name=_("người hiến"), on_delete=models.PROTECT, related_name="club_memberships"
    )
    joined_on = models.DateField(_("ngày tham gia"))
    status = models.CharField(_("tình trạng"), max_length=8, choices=MemberStatus.choices, default="active")
    unavailable_until = models.DateField(_("chưa sẵn sàng đến hết ngày"), null=True, blank=True)
    channel = models.CharField(
        _("kênh liên lạc ưa dùng"), max_length=6, choices=ContactChannel.choices, default=ContactChannel.SMS
    )
    zalo_user_id = models.CharField(_("mã người dùng Zalo"), max_length=64, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    contact_from = models.TimeField(_("liên hệ từ"), null=True, blank=True)
    contact_until = models.TimeField(_("liên hệ đến"), null=True, blank=True)
    consent_emergency = models.BooleanField(_("đồng ý được gọi khi cần máu gấp"), default=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("thành viên câu lạc bộ")
        verbose_name_plural = _("thành viên câu lạc bộ")
        constraints = [models.UniqueConstraint(fields=["club", "donor"], name="standby_member_once_per_club")]
        indexes = [models.Index(fields=["donor", "status"], name="standby_member_donor")]

    def __str__(self) -> str:
        return f"{self.donor} — {self.club}"

    def available_on(self, day) -> bool:
        return self.status == MemberStatus.ACTIVE and (self.unavailable_until is None or self.unavailable_until < day)


class EmergencyRequest(models.Model):
    facility = models.ForeignKey(Unit, verbose_name=_("cơ sở yêu cầu"), on_delete=models.PROTECT, related_name="+")
    # The office whose donors are called (the raising user's unit); the facility's own scope when empty.
    office = models.ForeignKey(
        Unit, verbose_name=_("đơn vị điều phối"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    abo = models.CharField(_("nhóm máu ABO"), max_length=2)
    rh = models.CharField(_("Rh"), max_length=1)
    component = models.CharField(_("chế phẩm"), max_length=12, choices=BloodComponent.choices)
    units = models.PositiveSmallIntegerField(_("số đơn vị cần"))
    urgency = models.CharField(_("mức độ"), max_length=8, choices=Urgency.choices, default=Urgency.URGENT)
    needed_by = models.DateTimeField(_("cần trước"))
    place = models.CharField(_("nơi nhận máu"), max_length=255, blank=True)
    contact_phone = models.CharField(_("số điện thoại liên hệ"), max_length=20, blank=True)
    answer_minutes = models.PositiveSmallIntegerField(
        _("thời gian chờ trả lời (phút)"),
        default=20,
        help_text=_("Quá thời gian này mà chưa đủ người nhận lời thì gọi đợt tiếp."),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=RequestStatus.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
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
    channel = models.CharField(_("kênh liên lạc"), max_length=10, choices=ContactChannel.choices, default="sms")
    at = models.DateTimeField(_("gọi lúc"), default=clock.now)
    outcome = models.CharField(_("kết quả"), max_length=12, choices=CallOutcome.choices, blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cuộc gọi")
        verbose_name_plural = _("cuộc gọi")
        constraints = [models.UniqueConstraint(fields=["request", "donor"], name="standby_call_once_per_request")]
        indexes = [models.Index(fields=["donor", "at"], name="standby_call_donor_at")]

    def __str__(self) -> str:
        return f"{self.request} — {self.get_outcome_display()}"
