"""Drives (đợt tiếp nhận máu): where a plan meets people. Slots and quotas per unit, the duty roster,
registrant lists, registrations, check-in outcomes, and results."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hienmau.core.clock import today
from hienmau.donors.models import Component, Donation, Donor
from hienmau.drives.lib import phases
from hienmau.orgs import scoping
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope
from hienmau.plans.models import Bucket, CampaignLabel, Plan


def new_token() -> str:
    return secrets.token_urlsafe(12)


class DriveStatus(models.TextChoices):
    """What is stored: planned until someone closes or cancels the drive. What a page shows is the drive's
    phase (DrivePhase, from the date and the results: drives/lib/phases.py)."""

    PLANNED = "planned", _("Đang chuẩn bị")
    CLOSED = "closed", _("Đã kết thúc")
    CANCELLED = "cancelled", _("Đã huỷ")


class DrivePhase(models.TextChoices):
    PLANNED = phases.PLANNED, _("Đang chuẩn bị")
    OPEN = phases.OPEN, _("Đang nhận đăng ký")
    HELD = phases.HELD, _("Đã tổ chức, chờ kết quả")
    CLOSED = phases.CLOSED, _("Đã kết thúc, có kết quả")
    CANCELLED = phases.CANCELLED, _("Đã huỷ")


class DriveQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> DriveQuerySet:
        return scoping.visible_drives(self, scope)

    def seen_whole_by(self, scope: Scope) -> DriveQuerySet:
        return scoping.drives_seen_whole(self, scope)

    def editable_by(self, scope: Scope) -> DriveQuerySet:
        return scoping.editable_drives(self, scope)

    def with_results_flag(self) -> DriveQuerySet:
        """Each drive with `has_results`: a result sheet line or a donation recorded at it."""
        return self.annotate(
            has_results=Exists(AggregateResult.objects.filter(drive=OuterRef("pk")))
            | Exists(Registration.objects.filter(drive=OuterRef("pk"), status=RegistrationStatus.DONATED))
        )

    def in_phase(self, phase: str, today: datetime.date) -> DriveQuerySet:
        """Drives in one phase on `today` (the same rule as drives/lib/phases.py, as a query)."""
        drives = self.with_results_flag()
        stored_open = Q(status=DriveStatus.PLANNED)
        done = Q(status=DriveStatus.CLOSED) | stored_open & Q(has_results=True, date__lte=today)
        taking = Q(public_registration=True) | Q(list_deadline__gte=today)
        if phase == phases.CANCELLED:
            return drives.filter(status=DriveStatus.CANCELLED)
        if phase == phases.CLOSED:
            return drives.filter(done)
        if phase == phases.HELD:
            return drives.filter(stored_open, date__lt=today, has_results=False)
        upcoming = drives.filter(stored_open, date__gte=today).exclude(has_results=True, date__lte=today)
        return upcoming.filter(taking) if phase == phases.OPEN else upcoming.exclude(taking)


class Drive(models.Model):
    organiser = models.ForeignKey(
        Unit, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="organised_drives"
    )
    title = models.CharField(_("tên đợt / ngày hội"), max_length=255)
    plan = models.ForeignKey(
        Plan, verbose_name=_("thuộc kế hoạch"), null=True, blank=True, on_delete=models.SET_NULL, related_name="drives"
    )
    bucket = models.ForeignKey(
        Bucket,
        verbose_name=_("đợt / tháng của kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drives",
    )
    campaign_label = models.ForeignKey(
        CampaignLabel, verbose_name=_("chiến dịch"), null=True, blank=True, on_delete=models.SET_NULL
    )
    date = models.DateField(_("ngày"))
    start_time = models.TimeField(_("bắt đầu"))
    end_time = models.TimeField(_("kết thúc"), null=True, blank=True)
    site_name = models.CharField(_("địa điểm"), max_length=255)
    site_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    site_commune = models.ForeignKey(
        Unit, verbose_name=_("xã, phường"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        Unit,
        verbose_name=_("cơ sở tiếp nhận máu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collecting_drives",
    )
    target_units = models.PositiveIntegerField(_("chỉ tiêu đơn vị máu"), null=True, blank=True)
    expected_direct = models.PositiveIntegerField(_("số người hiến trực tiếp dự kiến"), default=0)
    expected_reserve = models.PositiveIntegerField(_("số người dự bị dự kiến"), default=0)
    list_deadline = models.DateField(_("hạn gửi danh sách"), null=True, blank=True)
    slogan = models.CharField(
        _("thông điệp"),
        max_length=255,
        blank=True,
        help_text=_("In trên thông báo và trang đăng ký; chọn một thông điệp của kế hoạch hoặc tự viết."),
    )
    public_registration = models.BooleanField(_("cho phép người hiến tự đăng ký"), default=False)
    public_token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    status = models.CharField(_("trạng thái"), max_length=10, choices=DriveStatus.choices, default=DriveStatus.PLANNED)

    history = HistoricalRecords()
    objects = DriveQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt hiến máu")
        verbose_name_plural = _("đợt hiến máu")
        ordering = ["-date", "start_time"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    @property
    def expected_registrations(self) -> int:
        return self.expected_direct + self.expected_reserve

    def phase_on(self, today: datetime.date) -> str:
        has_results = getattr(self, "has_results", None)
        if has_results is None:
            has_results = (
                self.aggregate_results.exists() or self.registrations.filter(status=RegistrationStatus.DONATED).exists()
            )
        return phases.phase(
            self.status,
            self.date,
            today,
            has_results=bool(has_results),
            public_registration=self.public_registration,
            list_deadline=self.list_deadline,
        )

    @property
    def phase(self) -> str:
        return self.phase_on(today())

    @property
    def phase_label(self) -> str:
        return str(DrivePhase(self.phase).label)


class TimeSlot(models.Model):
    """A participating unit's time window and registrant quota; unit empty = open to self-registration."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="slots")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="drive_slots"
    )
    start_time = models.TimeField(_("từ"))
    end_time = models.TimeField(_("đến"))
    quota = models.PositiveIntegerField(_("số người đăng ký được giao"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_time", "pk"]

    def __str__(self) -> str:
        who = self.unit.full_name if self.unit is not None else _("Tự đăng ký")
        return f"{who} {self.start_time:%H:%M}–{self.end_time:%H:%M} ({self.quota})"


class RosterRole(models.TextChoices):
    VOLUNTEER = "volunteer", _("Tình nguyện viên")
    SECURITY = "security", _("An ninh, trật tự")
    MEDICAL = "medical", _("Y tế")
    SUPPORT = "support", _("Hậu cần, hỗ trợ")


class RosterEntry(models.Model):
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="roster")
    role = models.CharField(_("nhiệm vụ"), max_length=12, choices=RosterRole.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị cử"), null=True, blank=True, on_delete=models.PROTECT)
    people = models.PositiveIntegerField(_("số người"), default=1)
    arrival_time = models.TimeField(_("có mặt lúc"), null=True, blank=True)
    task = models.CharField(_("công việc"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["arrival_time", "role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.people})"


class RegistrantList(models.Model):
    """One unit's list as sent (by upload, paste or form), with when it came in against the deadline."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="lists")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    late = models.BooleanField(_("nộp muộn"), default=False)
    source_name = models.CharField(max_length=255, blank=True)
    lines = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.unit} — {self.drive}"


class RegistrationKind(models.TextChoices):
    DIRECT = "direct", _("Hiến trực tiếp")
    RESERVE = "reserve", _("Dự bị")


class RegistrationSource(models.TextChoices):
    LIST = "list", _("Danh sách của đơn vị")
    SELF = "self", _("Tự đăng ký")
    WALK_IN = "walk_in", _("Đến trực tiếp")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký")
    DONATED = "donated", _("Đã hiến")
    DEFERRED = "deferred", _("Tạm hoãn")
    NO_SHOW = "no_show", _("Không đến")


class Registration(models.Model):
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="registrations")
    slot = models.ForeignKey(TimeSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị vận động"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    donor = models.ForeignKey(Donor, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations")
    registrant_list = models.ForeignKey(
        RegistrantList, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    # Who recruited the person ("Người vận động" of a unit's list): a registry record of the list's scope,
    # found by CCCD only; counted for the recruiters' honours (honours/services.py).
    recruited_by = models.ForeignKey(
        Donor,
        verbose_name=_("người vận động"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recruited_registrations",
    )
    full_name = models.CharField(_("họ và tên"), max_length=255)
    kind = models.CharField(
        _("hình thức"), max_length=10, choices=RegistrationKind.choices, default=RegistrationKind.DIRECT
    )
    source = models.CharField(max_length=10, choices=RegistrationSource.choices, default=RegistrationSource.LIST)
    late = models.BooleanField(_("muộn"), default=False)
    status = models.CharField(
        _("kết quả"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    qr_token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    # No database constraint: donors_donation is partitioned by year on PostgreSQL and its key is (id, date)
    # (donors/partitions.py); Django's SET_NULL on delete keeps the link true (tests/donors/test_partitions.py).
    donation = models.OneToOneField(
        Donation, null=True, blank=True, on_delete=models.SET_NULL, related_name="registration", db_constraint=False
    )
    # A CCCD registered outside the scope: no donor until the transfer is approved (donors/registry.py).
    transfer = models.ForeignKey(
        "donors.TransferRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["drive", "donor"], condition=Q(donor__isnull=False), name="drives_one_registration_per_donor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.drive}"


class CheckInEvent(models.Model):
    """One outcome sent from the check-in page, kept by the id the browser gave it, so an outcome queued
    offline and sent twice is recorded once."""

    client_event_id = models.CharField(max_length=64, unique=True)
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    outcome = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    component = models.CharField(max_length=20, choices=Component.choices, blank=True)
    volume_ml = models.PositiveSmallIntegerField(null=True, blank=True)
    bag_number = models.CharField(max_length=40, blank=True)
    deferral_reason = models.CharField(max_length=255, blank=True)
    deferral_until = models.DateField(null=True, blank=True)
    # The officer said this outcome corrects an earlier one (a "donated" after a "deferred").
    correction = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.registration} — {self.get_outcome_display()}"


class AggregateResult(models.Model):
    """For drives that only report totals: what each mobilising unit's people gave."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="aggregate_results")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    donated = models.PositiveIntegerField(_("số người đã hiến"), default=0)
    deferred = models.PositiveIntegerField(_("số người tạm hoãn"), default=0)
    volume_ml = models.PositiveIntegerField(_("tổng thể tích (ml)"), default=0)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["drive", "unit"], name="drives_aggregate_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.drive}: {self.donated}"
