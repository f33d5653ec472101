"""A long piece of work (a large import or export) handed to the background worker, and how far it has got.

The row is what the browser polls: state, rows done of the total, and at the end the result or the
Vietnamese error. It keeps who started it and the membership they acted as, so the worker checks that
user's scope again before it touches anything."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hienmau.orgs.models import Membership


class JobKind(models.TextChoices):
    PLAN_APPENDIX = "plan_appendix", _("Nhập phụ lục kế hoạch")
    DONATION_HISTORY = "donation_history", _("Nhập lịch sử hiến máu")
    RESULT_TALLY = "result_tally", _("Nhập bảng kết quả")
    COMPARISON = "comparison", _("Xuất bảng so sánh kết quả và kế hoạch")
    CONSOLIDATED = "consolidated", _("Xuất báo cáo tổng hợp")
    REGISTRANT_LIST = "registrant_list", _("Xuất danh sách người đăng ký hiến máu")
    HONOUR_LIST = "honour_list", _("Xuất danh sách tôn vinh")
    CLUB_LIST = "club_list", _("Xuất danh sách câu lạc bộ hiến máu dự bị")


# The kinds whose result is a file to download (jobs/exports.py), not rows saved.
EXPORT_KINDS = frozenset(
    {JobKind.COMPARISON, JobKind.CONSOLIDATED, JobKind.REGISTRANT_LIST, JobKind.HONOUR_LIST, JobKind.CLUB_LIST}
)


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang xử lý")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không thành công")


class Job(models.Model):
    kind = models.CharField(_("loại việc"), max_length=30, choices=JobKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.CASCADE, related_name="+"
    )
    membership = models.ForeignKey(
        Membership, verbose_name=_("vai trò khi thực hiện"), null=True, blank=True, on_delete=models.SET_NULL
    )
    state = models.CharField(_("trạng thái"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    source_name = models.CharField(_("tệp"), max_length=255, blank=True)
    path = models.CharField(_("tệp lưu tạm"), max_length=500, blank=True)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    message = models.TextField(_("kết quả"), blank=True)
    details = models.JSONField(_("chi tiết"), default=list, blank=True)
    result_url = models.CharField(_("trang kết quả"), max_length=300, blank=True)
    # An export's file, written by the worker under var/jobs/exports (0600), downloaded by the job's owner.
    output_path = models.CharField(_("tệp kết quả"), max_length=500, blank=True)
    output_name = models.CharField(_("tên tệp kết quả"), max_length=255, blank=True)
    output_type = models.CharField(_("kiểu tệp kết quả"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("công việc chạy nền")
        verbose_name_plural = _("công việc chạy nền")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.source_name}"

    @property
    def is_export(self) -> bool:
        return self.kind in EXPORT_KINDS

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
