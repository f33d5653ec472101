"""Reports that units send back up: one per plan and reporting unit, submitted, returned with a comment,
corrected, approved and then locked; and the plan's reporting period, which the issuing office closes.

The rules (which action may follow which, what is on time, why an edit is refused, when to remind) are
plain functions in reports/lib/submissions.py; the workflow is in reports/submissions.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hienmau.core import clock
from hienmau.orgs import scoping
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope
from hienmau.plans.models import Allocation, Plan


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    RETURNED = "returned", _("Bị trả lại để sửa")
    APPROVED = "approved", _("Đã duyệt")


class UnitReportQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> UnitReportQuerySet:
        return scoping.visible_unit_reports(self, scope)


class UnitReport(models.Model):
    """A unit's report on its part of a plan: the recorded results (prefilled) and what only it knows."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="unit_reports")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    collected = models.PositiveIntegerField(_("số đơn vị máu tiếp nhận"), default=0)
    registered = models.PositiveIntegerField(_("số người đăng ký hiến máu"), default=0)
    deferred = models.PositiveIntegerField(_("số người tạm hoãn"), default=0)
    recorded_collected = models.PositiveIntegerField(
        _("số đơn vị máu hệ thống ghi nhận khi lập báo cáo"), default=0, editable=False
    )
    drives_held = models.PositiveIntegerField(_("số đợt hiến máu đã tổ chức"), default=0)
    volunteers = models.PositiveIntegerField(_("số tình nguyện viên tham gia"), default=0)
    media_items = models.PositiveIntegerField(_("số tin, bài truyền thông"), default=0)
    reserve_donors = models.PositiveIntegerField(_("số người hiến máu dự bị"), default=0)
    activities = models.TextField(_("kết quả hoạt động chính"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("duyệt hoặc trả lại lúc"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt hoặc trả lại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    comment = models.TextField(_("ý kiến của văn phòng"), blank=True, editable=False)
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    history = HistoricalRecords()
    objects = UnitReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo kết quả của đơn vị")
        verbose_name_plural = _("báo cáo kết quả của đơn vị")
        ordering = ["plan", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="reports_one_report_per_plan_unit")]

    def __str__(self) -> str:
        return f"{self.unit.full_name} — {self.plan.reference or self.plan.title}"


class ReportAction(models.TextChoices):
    SAVED = "saved", _("Lưu bản nháp")
    SUBMITTED = "submitted", _("Gửi báo cáo")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Duyệt")
    REOPENED = "reopened", _("Mở lại báo cáo đã duyệt")


class ReportEvent(models.Model):
    """One step of a report's way: who did what, when, with what comment."""

    report = models.ForeignKey(UnitReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=10, choices=ReportAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), default=clock.now, editable=False)  # the one clock, as the report's dates
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý báo cáo")
        verbose_name_plural = _("bước xử lý báo cáo")
        ordering = ["pk"]  # the order the steps were taken (each locks the report first)

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"


class ReportingPeriod(models.Model):
    """A plan's reporting, as the issuing office runs it: closed ("khóa sổ") when consolidation starts."""

    plan = models.OneToOneField(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="reporting")
    closed_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người khóa sổ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỳ báo cáo của kế hoạch")
        verbose_name_plural = _("kỳ báo cáo của kế hoạch")

    def __str__(self) -> str:
        return str(self.plan)


def reporting_units(plan: Plan) -> list[Unit]:
    """The units a plan asks to report: every unit it allocates a target to, in the appendix's order."""
    seen: dict[int, Unit] = {}
    for allocation in Allocation.objects.filter(plan=plan, unit__isnull=False).select_related("unit"):
        assert allocation.unit is not None  # filtered above
        seen.setdefault(allocation.unit.pk, allocation.unit)
    return list(seen.values())
