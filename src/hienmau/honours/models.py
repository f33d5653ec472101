"""Honours: the tiers a unit adds to the national ones, honour rounds (14/6, year-end) with their proposed
and approved people, and honours received in past years, imported from old lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hienmau.donors.models import Donor, Household, TransferRequest
from hienmau.orgs.models import Unit


class Subject(models.TextChoices):
    INDIVIDUAL = "individual", _("Người hiến máu")
    FAMILY = "family", _("Gia đình")
    RECRUITER = "recruiter", _("Người vận động")
    UNIT = "unit", _("Tập thể")


class Level(models.TextChoices):
    LOCAL = "local", _("Cấp cơ sở (mốc của địa phương)")
    PROVINCE = "province", _("Cấp tỉnh")
    RED_CROSS_CENTRAL = "red_cross_central", _("Trung ương Hội Chữ thập đỏ Việt Nam")
    MEDAL = "medal", _("Huy chương cấp Trung ương")
    PRIME_MINISTER = "prime_minister", _("Thủ tướng Chính phủ")


class Occasion(models.TextChoices):
    JUNE_14 = "june14", _("Ngày Thế giới tôn vinh người hiến máu (14/6)")
    YEAR_END = "year_end", _("Tổng kết cuối năm")
    OTHER = "other", _("Dịp khác")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập danh sách")
    APPROVED = "approved", _("Đã duyệt")


class HonourStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    APPROVED = "approved", _("Được tôn vinh")
    EXCLUDED = "excluded", _("Không đưa vào danh sách")


class MatchStatus(models.TextChoices):
    LINKED = "linked", _("Đã gắn với người hiến máu")
    REVIEW = "review", _("Cần chọn người hiến máu")
    TRANSFER = "transfer", _("Chờ chuyển hồ sơ")
    UNMATCHED = "unmatched", _("Không có trong sổ người hiến máu")


class LocalTier(models.Model):
    """A tier a unit adds for itself and the units below it (a province's 5, 10, 15 donations)."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="honour_tiers")
    subject = models.CharField(_("đối tượng"), max_length=12, choices=Subject.choices, default=Subject.INDIVIDUAL)
    count = models.PositiveSmallIntegerField(_("số lần hiến"))
    award = models.CharField(_("hình thức tôn vinh"), max_length=255)
    citation = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mốc tôn vinh của địa phương")
        verbose_name_plural = _("mốc tôn vinh của địa phương")
        ordering = ["unit", "subject", "count"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "subject", "count"], name="honours_local_tier_unique"),
            models.CheckConstraint(condition=models.Q(count__gt=0), name="honours_local_tier_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.count} · {self.award}"


class HonourRound(models.Model):
    """ "Tôn vinh 14/6/2025, tỉnh An Giang": one list of people proposed, reviewed and approved."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị tôn vinh"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("tên đợt tôn vinh"), max_length=255)
    occasion = models.CharField(_("dịp"), max_length=10, choices=Occasion.choices, default=Occasion.JUNE_14)
    cutoff = models.DateField(_("tính số lần hiến đến ngày"))
    tiers = models.JSONField(_("các mốc xét"), default=list)
    status = models.CharField(_("trạng thái"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đợt tôn vinh")
        verbose_name_plural = _("đợt tôn vinh")
        ordering = ["-cutoff", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == RoundStatus.DRAFT


class PastImport(models.Model):
    """One old honours list read in: who imported it, when, and what became of its rows."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị nhập"), on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("tên tệp"), max_length=255)
    content_hash = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)

    class Meta:
        verbose_name = _("danh sách tôn vinh đã nhập")
        verbose_name_plural = _("danh sách tôn vinh đã nhập")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.file_name


class Honour(models.Model):
    """A recognition: proposed or approved in a round, or received in a past year (from an old list).

    A past honour names a person as the list wrote them; it points at a donor only once matched (by CCCD
    inside the importer's scope, or by name and birth date when exactly one donor of the scope fits, or
    chosen by an officer), and counts for nobody before that."""

    subject = models.CharField(_("đối tượng"), max_length=12, choices=Subject.choices, default=Subject.INDIVIDUAL)
    owner = models.ForeignKey(
        Unit, verbose_name=_("đơn vị lập danh sách"), on_delete=models.PROTECT, related_name="honours_listed"
    )
    round = models.ForeignKey(
        HonourRound,
        verbose_name=_("đợt tôn vinh"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="honours",
    )
    past_import = models.ForeignKey(
        PastImport,
        verbose_name=_("danh sách đã nhập"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="honours",
    )
    donor = models.ForeignKey(
        Donor, verbose_name=_("người hiến máu"), null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("gia đình"), null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    honoured_unit = models.ForeignKey(
        Unit, verbose_name=_("tập thể"), null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    tier = models.PositiveSmallIntegerField(_("mốc"))
    count = models.PositiveIntegerField(_("số lần hiến"))
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("cấp tôn vinh"), max_length=20, choices=Level.choices, default=Level.LOCAL)
    award = models.CharField(_("hình thức tôn vinh"), max_length=255, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=HonourStatus.choices)
    match = models.CharField(
        _("gắn với người hiến"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.LINKED
    )
    name = models.CharField(_("họ và tên"), max_length=255)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    place = models.CharField(_("địa chỉ / đơn vị"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    line = models.PositiveIntegerField(_("dòng trong tệp"), null=True, blank=True)
    transfer = models.ForeignKey(TransferRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_key = models.CharField(max_length=160, null=True, blank=True, unique=True)
    certificate_number = models.CharField(_("số giấy khen"), max_length=40, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tôn vinh")
        verbose_name_plural = _("tôn vinh")
        ordering = ["-year", "tier", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "subject", "donor"],
                condition=models.Q(round__isnull=False, donor__isnull=False),
                name="honours_once_per_round_subject",
            ),
            models.UniqueConstraint(
                fields=["round", "household"],
                condition=models.Q(round__isnull=False, household__isnull=False),
                name="honours_household_once_per_round",
            ),
            models.UniqueConstraint(
                fields=["round", "honoured_unit"],
                condition=models.Q(round__isnull=False, honoured_unit__isnull=False),
                name="honours_unit_once_per_round",
            ),
        ]
        indexes = [models.Index(fields=["donor", "status"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.tier} · {self.year}"
