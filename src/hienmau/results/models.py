"""Results as they come back: a ledger of figures per drive (or per tally row) and unit, and the
pre-aggregated table per unit × day × source that every achievement report reads.

The ledger (ResultEntry) says where each figure came from, so a drive's figures can be replaced as a
whole when its result sheet arrives; UnitDayResult is kept equal to the ledger's sums in the same
transaction (services.apply_changes), so reports never read the raw donations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hienmau.drives.models import Drive
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope
from hienmau.plans.models import Plan


class Source(models.TextChoices):
    CHECKIN = "checkin", _("Ghi nhận từng người tại điểm hiến")
    SHEET = "sheet", _("Biên bản kết quả của cơ sở tiếp nhận")
    TALLY = "tally", _("Bảng tổng hợp nhập từ tệp")
    WALKIN = "walkin", _("Hiến tại cơ sở, không theo đợt")


class Counts(models.Model):
    collected = models.IntegerField(_("số đơn vị máu"), default=0)
    v250 = models.IntegerField(_("250 ml"), default=0)
    v350 = models.IntegerField(_("350 ml"), default=0)
    v450 = models.IntegerField(_("450 ml"), default=0)
    registered = models.IntegerField(_("đăng ký"), default=0)
    deferred = models.IntegerField(_("tạm hoãn"), default=0)

    COUNT_FIELDS = ("collected", "v250", "v350", "v450", "registered", "deferred")

    class Meta:
        abstract = True


class ResultImportQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> ResultImportQuerySet:
        if scope.everything:
            return self
        return self.filter(scope.unit_filter("unit__") | scope.unit_filter("plan__issuing_unit__"))


class ResultImport(models.Model):
    """One imported tally file: what it stated, what was stored, and the rows kept aside (unknown unit,
    impossible date, …) with their findings so someone can correct and save them later."""

    source_name = models.CharField(_("tệp"), max_length=255)
    source_hash = models.CharField(max_length=64, db_index=True)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="result_imports")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    stated_total = models.IntegerField(null=True, blank=True)
    computed_total = models.IntegerField(default=0)
    saved_total = models.IntegerField(default=0)
    findings = models.JSONField(default=list)
    pending_rows = models.JSONField(default=list, help_text="rows not stored, as read, with their findings")

    objects = ResultImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần nhập bảng kết quả")
        verbose_name_plural = _("lần nhập bảng kết quả")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.created_at:%d/%m/%Y})"


class SheetDetail(Counts):
    """What a drive's result sheet (drives.AggregateResult) does not hold: bags by volume and
    registrations, when the facility's tally gives them."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    result_import = models.ForeignKey(ResultImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("chi tiết biên bản kết quả")
        verbose_name_plural = _("chi tiết biên bản kết quả")
        constraints = [models.UniqueConstraint(fields=["drive", "unit"], name="results_sheet_detail_unique")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.drive}"


class ResultEntry(Counts):
    """One figure in the ledger: a drive's result for one mobilising unit, one tally row, or one
    facility's walk-ins of one day for one unit (`facility` names the group, which may be no facility)."""

    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    drive = models.ForeignKey(Drive, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey(
        Unit, verbose_name=_("cơ sở tiếp nhận"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_import = models.ForeignKey(
        ResultImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    line = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("dòng kết quả")
        verbose_name_plural = _("dòng kết quả")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day"],
                condition=Q(drive__isnull=True, source="tally"),
                name="results_one_tally_row_per_unit_day",
            ),
        ]
        indexes = [
            models.Index(fields=["drive"], name="results_entry_drive"),
            models.Index(fields=["day", "facility"], name="results_entry_day_facility"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day:%d/%m/%Y}: {self.collected}"


class UnitDayResult(Counts):
    """Pre-aggregated results per unit × day × source (the ledger's sums; written only by services)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        verbose_name = _("kết quả theo đơn vị và ngày")
        verbose_name_plural = _("kết quả theo đơn vị và ngày")
        constraints = [models.UniqueConstraint(fields=["unit", "day", "source"], name="results_unit_day_unique")]
        indexes = [models.Index(fields=["day", "unit"], name="results_unitday_day_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.day:%d/%m/%Y}: {self.collected}"
