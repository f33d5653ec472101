"""Plans (kế hoạch), their targets per metric, and allocations of a target across units × buckets."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hienmau.core.lib.text import fold
from hienmau.orgs import scoping
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope
from hienmau.plans.lib.buckets import bucket_label, bucket_sort_key


class PlanKind(models.TextChoices):
    ANNUAL = "annual", _("Kế hoạch năm")
    CAMPAIGN = "campaign", _("Chiến dịch")
    DRIVE = "drive", _("Một đợt / ngày hội")
    # Seed 004, part 2: "Mỗi tổ chức, mỗi cá nhân gắn với một địa chỉ nhân đạo" (the humanitarian app).
    HUMANITARIAN = "humanitarian", _("Cuộc vận động “Địa chỉ nhân đạo”")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    AMENDING = "amending", _("Đang điều chỉnh")


class Metric(models.TextChoices):
    BLOOD_UNITS = "blood_units", _("Đơn vị máu")
    REGISTRATIONS = "registrations", _("Người đăng ký hiến máu")
    DIRECT_DONORS = "direct_donors", _("Người hiến máu trực tiếp")
    RESERVE_DONORS = "reserve_donors", _("Người hiến máu dự bị")
    RARE_GROUP_DONORS = "rare_group_donors", _("Người có nhóm máu hiếm")
    VOLUNTEERS = "volunteers", _("Tình nguyện viên")
    MEDIA_ITEMS = "media_items", _("Tin, bài truyền thông")
    POPULATION_PERCENT = "population_percent", _("% dân số tham gia hiến máu")
    STAFF_PERCENT = "staff_percent", _("% cán bộ cơ quan thành viên tham gia")
    UNITS_PERCENT = "units_percent", _("% đơn vị hưởng ứng")
    # The humanitarian-address drive (seed 004, part 2): counted by the humanitarian app.
    HUMANITARIAN_ADDRESSES = "humanitarian_addresses", _("Địa chỉ nhân đạo được xác lập")
    SPONSORS = "sponsors", _("Nhà tài trợ, mạnh thường quân được vận động")

    @property
    def is_percent(self) -> bool:
        return self.value.endswith("_percent")


# The metrics a plan of a kind splits across units, when not blood units: a humanitarian-address plan
# allocates addresses to set up and sponsors to find (two rows per unit, one per metric).
KIND_METRICS: dict[str, tuple[str, ...]] = {
    PlanKind.HUMANITARIAN: (Metric.HUMANITARIAN_ADDRESSES, Metric.SPONSORS),
}


class CountingBasis(models.TextChoices):
    DONATIONS = "donations", _("Số lần hiến (túi máu)")
    ML250_EQUIVALENT = "ml250", _("Quy đổi 250 ml (350 ml = 1,4)")


class CampaignLabel(models.Model):
    name = models.CharField(_("tên"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("nhãn chiến dịch")
        verbose_name_plural = _("nhãn chiến dịch")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> PlanQuerySet:
        return scoping.visible_plans(self, scope)

    def editable_by(self, scope: Scope) -> PlanQuerySet:
        return scoping.editable_plans(self, scope)

    def with_reference(self, reference: str) -> list[Plan]:
        """Plans numbered as `reference` says: "66" or "66/KH-BCĐ" (the suffix compared without
        accents, case or punctuation)."""
        number, _sep, suffix = reference.strip().partition("/")
        numbered = Plan.objects.filter(pk__in=self.values("pk"), number=number.strip().lstrip("0") or "0")
        plans = list(numbered.select_related("issuing_unit"))
        if suffix:
            wanted = re.sub(r"[^0-9a-z]", "", fold(suffix))
            plans = [p for p in plans if re.sub(r"[^0-9a-z]", "", fold(p.suffix)) == wanted]
        return plans


class Plan(models.Model):
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="plans"
    )
    number = models.CharField(_("số"), max_length=20, blank=True)
    suffix = models.CharField(_("ký hiệu"), max_length=40, blank=True, help_text=_("Ví dụ KH-BCĐ, KH-UBND"))
    date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    kind = models.CharField(_("loại"), max_length=20, choices=PlanKind.choices, default=PlanKind.ANNUAL)
    period_start = models.DateField(_("từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("đến ngày"), null=True, blank=True)
    parent_plan = models.ForeignKey(
        "self",
        verbose_name=_("thực hiện kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_plans",
    )
    previous_plan = models.ForeignKey(
        "self",
        verbose_name=_("kế hoạch năm trước"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_plans",
        help_text=_("Kế hoạch làm căn cứ khi lập dự thảo này từ kết quả năm trước."),
    )
    implements_text = models.CharField(_("căn cứ / thực hiện"), max_length=500, blank=True)
    received_allocation = models.ForeignKey(
        "Allocation",
        verbose_name=_("chỉ tiêu được giao"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lower_plans",
    )
    campaign_labels = models.ManyToManyField(CampaignLabel, verbose_name=_("chiến dịch"), blank=True)
    messages = models.TextField(_("thông điệp"), blank=True, help_text=_("Mỗi dòng một thông điệp."))
    funding_sources = models.TextField(_("nguồn kinh phí"), blank=True, help_text=_("Mỗi dòng một nguồn."))
    status = models.CharField(_("trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    issued_at = models.DateTimeField(_("thời điểm ban hành trên hệ thống"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người bấm ban hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    report_deadline = models.DateField(
        _("hạn báo cáo kết quả"),
        null=True,
        blank=True,
        help_text=_("Ngày các đơn vị được giao chỉ tiêu phải gửi báo cáo kết quả về đơn vị ban hành."),
    )
    report_deadline_source = models.CharField(
        _("câu trong văn bản nêu hạn báo cáo"), max_length=500, blank=True, editable=False
    )
    source_name = models.CharField(_("tệp gốc"), max_length=255, blank=True)
    source_hash = models.CharField(_("dấu vân tay tệp gốc"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "number", "suffix", "date"],
                condition=~Q(number=""),
                name="plans_plan_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}" if self.reference else self.title

    @property
    def reference(self) -> str:
        if not self.number:
            return ""
        return f"{self.number}/{self.suffix}" if self.suffix else self.number

    @property
    def is_open(self) -> bool:
        """A draft, or an issued plan while an amendment is being prepared: its grid may change."""
        return self.status in (PlanStatus.DRAFT, PlanStatus.AMENDING)

    def ordered_buckets(self) -> list[Bucket]:
        return sorted(self.buckets.all(), key=lambda b: bucket_sort_key(b.key))

    def allocated_total(self, metric: str = Metric.BLOOD_UNITS) -> int:
        return self.allocations.filter(metric=metric).aggregate(s=Sum("total"))["s"] or 0

    def target_value(self, metric: str = Metric.BLOOD_UNITS):
        target = self.targets.filter(metric=metric).first()
        return target.value if target else None


class PlanAttachment(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="plans/%Y/")
    name = models.CharField(_("tên"), max_length=255)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tệp đính kèm kế hoạch")
        verbose_name_plural = _("tệp đính kèm kế hoạch")

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("chỉ tiêu"), max_length=30, choices=Metric.choices)
    # Blank when the plan's text sets the target without a figure (seed 000: "các tin, bài … được đăng tải").
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=2, null=True, blank=True)
    counting_basis = models.CharField(
        _("cách tính"),
        max_length=12,
        choices=CountingBasis.choices,
        blank=True,
        help_text=_("Chỉ với chỉ tiêu đơn vị máu."),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["plan", "metric"], name="plans_target_unique_metric")]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.value if self.value is not None else NO_FIGURE}"


NO_FIGURE = _("văn bản không ghi số lượng")


class Bucket(models.Model):
    """A column of the allocation grid: a month, or a numbered round with its date."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="buckets")
    key = models.CharField(_("tháng hoặc đợt"), max_length=20)  # "month:5", "round:2" (shown through bucket_label)
    date = models.DateField(_("ngày"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cột phân bổ (tháng, đợt)")
        verbose_name_plural = _("cột phân bổ (tháng, đợt)")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plans_bucket_unique_key")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        base = bucket_label(self.key)
        return f"{base} ({self.date:%d/%m/%Y})" if self.date else base


class Allocation(models.Model):
    """One row of the appendix: a unit's share of a plan's target, split across buckets."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    unit_name = models.CharField(_("tên đơn vị theo văn bản"), max_length=255)
    metric = models.CharField(_("chỉ tiêu"), max_length=30, choices=Metric.choices, default=Metric.BLOOD_UNITS)
    total = models.IntegerField(_("tổng"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    delegated_to = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị phụ trách thay"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegated_allocations",
        help_text=_("Khi phụ lục ghi “(… phụ trách)”: đơn vị khác chịu trách nhiệm chỉ tiêu này."),
    )
    delegated_to_name = models.CharField(_("đơn vị phụ trách thay theo văn bản"), max_length=255, blank=True)
    section = models.CharField(_("nhóm"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    prior_plan = models.IntegerField(_("kế hoạch năm trước"), null=True, blank=True)
    prior_actual = models.IntegerField(_("thực hiện năm trước"), null=True, blank=True)
    prior_percent = models.IntegerField(_("tỉ lệ năm trước (%)"), null=True, blank=True)
    # A row read from the appendix file (a later corrected file updates or removes it) or added on the
    # grid by hand (a re-import keeps it).
    from_import = models.BooleanField(_("từ tệp phụ lục"), default=False, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân bổ chỉ tiêu")
        verbose_name_plural = _("phân bổ chỉ tiêu")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.unit_name if self.total is None else f"{self.unit_name}: {self.total}"

    @property
    def bucket_sum(self) -> int:
        return sum(cell.value for cell in self.cells.all())


class AllocationCell(models.Model):
    allocation = models.ForeignKey(
        Allocation, verbose_name=_("phân bổ chỉ tiêu"), on_delete=models.CASCADE, related_name="cells"
    )
    bucket = models.ForeignKey(Bucket, verbose_name=_("tháng hoặc đợt"), on_delete=models.CASCADE, related_name="cells")
    value = models.IntegerField(_("số lượng"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ô phân bổ")
        verbose_name_plural = _("ô phân bổ")
        constraints = [models.UniqueConstraint(fields=["allocation", "bucket"], name="plans_cell_unique")]

    def __str__(self) -> str:
        value = "" if self.value is None else f": {self.value}"
        return f"{self.allocation.unit_name} — {self.bucket}{value}"


class ImportFinding(models.Model):
    """What the importer found wrong in the source document, kept beside the plan for people to decide."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="import_findings")
    code = models.CharField(_("loại"), max_length=40)  # a finding code, shown through core.labels
    unit_name = models.CharField(_("đơn vị theo văn bản"), max_length=255, blank=True)
    message = models.TextField(_("nội dung"))

    class Meta:
        verbose_name = _("điểm cần xem lại khi nhập")
        verbose_name_plural = _("điểm cần xem lại khi nhập")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.unit_name}: {self.message}"


class PlanAmendment(models.Model):
    """An amendment ("điều chỉnh") of an issued plan: its own number, date and signer, and what changed.

    Opening one takes a snapshot of the plan (fields, targets, every row and cell); issuing it compares
    the plan with that snapshot, keeps the differences and locks the plan again. The rows keep their ids,
    so lower plans and drives stay linked."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="amendments")
    sequence = models.PositiveIntegerField(_("lần điều chỉnh"))
    number = models.CharField(_("số văn bản điều chỉnh"), max_length=20, blank=True)
    suffix = models.CharField(_("ký hiệu"), max_length=40, blank=True)
    date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    before = models.JSONField(_("nội dung trước điều chỉnh"), default=dict)
    changes = models.JSONField(_("các thay đổi"), default=list)
    opened_at = models.DateTimeField(_("bắt đầu điều chỉnh lúc"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập điều chỉnh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("ban hành trên hệ thống lúc"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người bấm ban hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản điều chỉnh kế hoạch")
        verbose_name_plural = _("văn bản điều chỉnh kế hoạch")
        ordering = ["plan", "sequence"]
        constraints = [models.UniqueConstraint(fields=["plan", "sequence"], name="plans_amendment_unique_sequence")]

    def __str__(self) -> str:
        return f"{self.plan} — {_('điều chỉnh lần')} {self.sequence}"

    @property
    def reference(self) -> str:
        if not self.number:
            return ""
        return f"{self.number}/{self.suffix}" if self.suffix else self.number

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None
