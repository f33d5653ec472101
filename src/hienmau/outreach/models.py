"""The communication work and the money behind a plan: outreach activities (leaflets, talks, news items…),
the volunteers of a unit and their hours, and the plan's budget (estimate by line and source, spending with
receipts, sponsors' contributions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hienmau.donors.models import Donor
from hienmau.drives.models import Drive
from hienmau.humanitarian.models import Sponsor
from hienmau.orgs import scoping
from hienmau.orgs.models import Unit
from hienmau.plans.models import Plan

# --- outreach activities ---------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    LEAFLETS = "leaflets", _("Phát tờ rơi")
    POSTERS = "posters", _("Tranh ảnh, áp phích")
    BANNERS = "banners", _("Băng rôn, pa nô")
    RADIO = "radio", _("Phát thanh, loa truyền thanh")
    TALK = "talk", _("Nói chuyện, tọa đàm")
    COUNSELLING = "counselling", _("Tư vấn trực tiếp")
    NEWS = "news", _("Tin, bài trên báo, đài")
    SOCIAL = "social", _("Bài đăng mạng xã hội")


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, scope) -> ActivityQuerySet:
        return scoping.visible_outreach(self, scope)


class Activity(models.Model):
    """One piece of communication work: 2.000 leaflets handed out, a talk at a school, a news item."""

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_activities",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT, related_name="+")
    drive = models.ForeignKey(
        Drive,
        verbose_name=_("gắn với đợt hiến máu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_activities",
    )
    kind = models.CharField(_("hình thức"), max_length=12, choices=ActivityKind.choices)
    date = models.DateField(_("ngày"))
    title = models.CharField(_("nội dung"), max_length=255)
    quantity = models.PositiveIntegerField(
        _("số lượng"), default=1, help_text=_("Số tờ rơi, áp phích, băng rôn, buổi, tin hoặc bài.")
    )
    reach = models.PositiveIntegerField(_("số người tiếp cận (ước tính)"), null=True, blank=True)
    link = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    file = models.FileField(_("tệp (ảnh, bài báo)"), upload_to="outreach/activities/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("hoạt động tuyên truyền")
        verbose_name_plural = _("hoạt động tuyên truyền")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["plan", "kind"], name="outreach_activity_plan_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.title}"


# --- volunteers ----------------------------------------------------------------------------------


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("đang tham gia")
    LEFT = "left", _("đã thôi tham gia")


class Volunteer(models.Model):
    """A person on a unit's volunteer roster (tình nguyện viên). People come from the registry (found by
    CCCD or phone inside the scope, as club rosters do), so masking, reveal and erasure are the donors'."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    donor = models.ForeignKey(Donor, verbose_name=_("người"), on_delete=models.PROTECT, related_name="volunteering")
    joined_on = models.DateField(_("ngày tham gia"))
    status = models.CharField(
        _("tình trạng"), max_length=8, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    skills = models.CharField(_("việc thường làm"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tình nguyện viên")
        verbose_name_plural = _("tình nguyện viên")
        constraints = [models.UniqueConstraint(fields=["unit", "donor"], name="outreach_volunteer_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.donor} — {self.unit}"


class Service(models.Model):
    """Hours a volunteer gave: at a drive, on an outreach activity, or on other work of a plan."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="services")
    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drive = models.ForeignKey(
        Drive, verbose_name=_("đợt hiến máu"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("hoạt động tuyên truyền"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    date = models.DateField(_("ngày"))
    hours = models.DecimalField(_("số giờ"), max_digits=5, decimal_places=1)
    task = models.CharField(_("công việc"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("giờ tình nguyện")
        verbose_name_plural = _("giờ tình nguyện")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["plan", "volunteer"], name="outreach_service_plan")]

    def __str__(self) -> str:
        return f"{self.volunteer} — {self.date:%d/%m/%Y}: {self.hours}"


# --- budget --------------------------------------------------------------------------------------


class FundingSource(models.TextChoices):
    STATE = "state", _("Ngân sách nhà nước (Thông tư 182/2009/TT-BTC)")
    SPONSORSHIP = "sponsorship", _("Tài trợ bằng tiền")
    IN_KIND = "in_kind", _("Hiện vật, quà tặng")
    OTHER = "other", _("Nguồn hợp pháp khác")


class BudgetCategory(models.TextChoices):
    COMMUNICATION = "communication", _("Tuyên truyền, vận động")
    PRINTING = "printing", _("In ấn tờ rơi, áp phích, băng rôn")
    EVENTS = "events", _("Lễ phát động, ngày hội hiến máu")
    DONOR_BENEFITS = "donor_benefits", _("Hỗ trợ người hiến máu (Thông tư 15/2023/TT-BYT)")
    HONOURS = "honours", _("Tôn vinh, khen thưởng")
    TRAINING = "training", _("Tập huấn")
    ADMINISTRATION = "administration", _("Văn phòng phẩm, thông tin liên lạc")
    OTHER = "other", _("Chi khác")


class BudgetLine(models.Model):
    """One line of a plan's estimate (dự toán): what for, from which source, how much."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("nội dung chi"), max_length=16, choices=BudgetCategory.choices)
    description = models.CharField(_("diễn giải"), max_length=255, blank=True)
    source = models.CharField(_("nguồn"), max_length=12, choices=FundingSource.choices)
    amount = models.BigIntegerField(_("dự toán (đồng)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dòng dự toán")
        verbose_name_plural = _("dự toán kinh phí")
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.get_source_display()}: {self.amount}"


class Contribution(models.Model):
    """Money or gifts a sponsor gave towards a plan (in-kind gifts at their value)."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="contributions")
    # The unit's sponsors are one list, kept by the humanitarian app (addresses and plans share them).
    sponsor = models.ForeignKey(
        Sponsor, verbose_name=_("nhà tài trợ"), on_delete=models.PROTECT, related_name="plan_contributions"
    )
    date = models.DateField(_("ngày nhận"))
    source = models.CharField(
        _("hình thức"),
        max_length=12,
        choices=[(FundingSource.SPONSORSHIP, _("Tiền")), (FundingSource.IN_KIND, _("Hiện vật, quà tặng"))],
    )
    amount = models.BigIntegerField(_("giá trị (đồng)"))
    description = models.CharField(_("nội dung"), max_length=255, blank=True)
    receipt = models.FileField(_("biên nhận"), upload_to="outreach/receipts/%Y/", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khoản tài trợ")
        verbose_name_plural = _("khoản tài trợ")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.sponsor} — {self.amount}"


class Expense(models.Model):
    """Money spent under a plan, against a line of the estimate, with its receipt."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="expenses")
    category = models.CharField(_("nội dung chi"), max_length=16, choices=BudgetCategory.choices)
    source = models.CharField(_("nguồn"), max_length=12, choices=FundingSource.choices)
    date = models.DateField(_("ngày chi"))
    description = models.CharField(_("diễn giải"), max_length=255)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    receipt = models.FileField(_("chứng từ"), upload_to="outreach/receipts/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khoản chi")
        verbose_name_plural = _("khoản chi")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"
