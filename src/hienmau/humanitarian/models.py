"""The humanitarian-address drive (seed 004, part 2: "Mỗi tổ chức, mỗi cá nhân gắn với một địa chỉ nhân
đạo"): households and people in difficulty surveyed in a commune (beneficiaries), the organisations and
people who sponsor them, what each sponsor promised (pledges) and what arrived (deliveries).

Targets per unit are plans of kind `PlanKind.HUMANITARIAN` (metrics addresses and sponsors), split with the
plans app's allocations; `PriorityArea` marks the units a plan asks to favour (low health-insurance
coverage), as data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hienmau.core.lib.identity import mask_cccd, mask_phone
from hienmau.core.lib.text import fold
from hienmau.core.uploads import private_storage
from hienmau.orgs import scoping
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope


class BeneficiaryKind(models.TextChoices):
    HOUSEHOLD = "household", _("Hộ gia đình")
    PERSON = "person", _("Cá nhân")


class Need(models.TextChoices):
    """What a beneficiary needs, what a sponsor pledges and what a delivery brings."""

    HEALTH_INSURANCE = "health_insurance", _("Thẻ bảo hiểm y tế")
    MONEY = "money", _("Tiền mặt")
    GOODS = "goods", _("Hiện vật (gạo, nhu yếu phẩm)")
    HOUSE_REPAIR = "house_repair", _("Xây, sửa nhà")
    SCHOLARSHIP = "scholarship", _("Học bổng")
    LIVELIHOOD = "livelihood", _("Sinh kế (con giống, vốn, việc làm)")
    MEDICAL = "medical", _("Khám, chữa bệnh")
    OTHER = "other", _("Khác")


class BeneficiaryStatus(models.TextChoices):
    SURVEYED = "surveyed", _("Đã khảo sát, đang lập hồ sơ")
    ESTABLISHED = "established", _("Đã xác lập địa chỉ nhân đạo")
    CLOSED = "closed", _("Đã thoát khó khăn, kết thúc hỗ trợ")


class BeneficiaryQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> BeneficiaryQuerySet:
        return scoping.visible_beneficiaries(self, scope)

    def editable_by(self, scope: Scope) -> BeneficiaryQuerySet:
        return scoping.editable_beneficiaries(self, scope)


class Beneficiary(models.Model):
    """A humanitarian address: a household (named by its head) or a person in difficulty, in a commune.

    CCCD and phone are masked like a donor's and revealed only with a logged reason (donors.privacy)."""

    unit = models.ForeignKey(Unit, verbose_name=_("xã, phường"), on_delete=models.PROTECT, related_name="beneficiaries")
    kind = models.CharField(_("đối tượng"), max_length=12, choices=BeneficiaryKind.choices)
    full_name = models.CharField(_("họ và tên (chủ hộ)"), max_length=120)
    name_folded = models.CharField(max_length=120, blank=True, editable=False)  # searched without accents
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    cccd = models.CharField(_("số CCCD"), max_length=12, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    address = models.CharField(_("địa chỉ (thôn, ấp)"), max_length=255, blank=True)
    members = models.PositiveSmallIntegerField(_("số nhân khẩu"), null=True, blank=True)
    situation = models.TextField(_("hoàn cảnh"), blank=True)
    needs = models.JSONField(_("nhu cầu trợ giúp"), default=list, blank=True)  # Need values
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=BeneficiaryStatus.choices, default=BeneficiaryStatus.SURVEYED
    )
    established_on = models.DateField(_("ngày xác lập"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = BeneficiaryQuerySet.as_manager()

    masked_fields = {"cccd": mask_cccd, "phone": mask_phone}  # core.audit masks them in history diffs

    class Meta:
        verbose_name = _("địa chỉ nhân đạo")
        verbose_name_plural = _("địa chỉ nhân đạo")
        ordering = ["unit", "full_name", "pk"]
        indexes = [models.Index(fields=["unit", "status"], name="humanitarian_benef_unit")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def need_labels(self) -> list[str]:
        return [str(Need(n).label) for n in self.needs if n in Need.values]


class Sponsor(models.Model):
    """An organisation or a person who sponsors humanitarian addresses, kept by the unit that found them."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")
        PERSON = "person", _("Cá nhân, nhà hảo tâm")

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị vận động"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    contact = models.CharField(_("người liên hệ"), max_length=120, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    joined_on = models.DateField(_("ngày tham gia"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhà tài trợ")
        verbose_name_plural = _("nhà tài trợ")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    ONCE = "once", _("Một lần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")


class Pledge(models.Model):
    """What a sponsor promised a beneficiary: what, how much each time, how often, from when to when."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="pledges")
    sponsor = models.ForeignKey(
        Sponsor, verbose_name=_("nhà tài trợ"), on_delete=models.PROTECT, related_name="pledges"
    )
    need = models.CharField(_("hình thức hỗ trợ"), max_length=20, choices=Need.choices)
    amount = models.PositiveBigIntegerField(_("giá trị mỗi lần (đồng)"), default=0)
    quantity = models.PositiveIntegerField(_("số lượng mỗi lần"), default=1)
    frequency = models.CharField(_("định kỳ"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("cam kết hỗ trợ")
        verbose_name_plural = _("cam kết hỗ trợ")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="humanitarian_pledge_end_after_start",
                violation_error_message=_("Ngày kết thúc phải từ ngày bắt đầu trở đi."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sponsor} → {self.beneficiary_id}: {self.get_need_display()}"

    def delivered_value(self) -> int:
        return self.deliveries.aggregate(s=Sum("value"))["s"] or 0


class Delivery(models.Model):
    """What arrived, recorded against a pledge: the day, its value and how many (cards, sacks of rice…)."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="deliveries")
    date = models.DateField(_("ngày trao"))
    value = models.PositiveBigIntegerField(_("giá trị (đồng)"), default=0)
    quantity = models.PositiveIntegerField(_("số lượng"), default=1)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = _("lần trao hỗ trợ")
        verbose_name_plural = _("lần trao hỗ trợ")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["pledge", "date"], name="humanitarian_delivery_pledge")]

    def __str__(self) -> str:
        return f"{self.pledge_id} — {self.date:%d/%m/%Y}"


class BeneficiaryDocument(models.Model):
    """A file of a beneficiary's record (the survey form, a poverty certificate, a photo of the house),
    written through core.uploads' private storage (0600 in a 0700 folder) and served only inside scope."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("tệp"), upload_to="humanitarian/%Y/", storage=private_storage)
    name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("hồ sơ đính kèm")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class PriorityArea(models.Model):
    """A unit the drive favours, with the reason (seed 004: communes where health-insurance coverage is
    low). It may be a former unit: a commune is a priority when it, a unit above it, or a unit it took
    over (by an approved successor link) is one. Tied to a plan when the plan names it."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="priority_areas",
    )
    reason = models.CharField(_("lý do ưu tiên"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("địa bàn ưu tiên")
        verbose_name_plural = _("địa bàn ưu tiên")
        constraints = [models.UniqueConstraint(fields=["unit", "plan"], name="humanitarian_priority_unique")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.reason}"
