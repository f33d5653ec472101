"""Donors (one record per person), their donations and deferrals, and the dated rules around them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hienmau.core.lib.identity import PhoneError, mask_cccd, mask_phone, normalise_cccd, normalise_phone
from hienmau.core.lib.text import fold, vietnamese_name_key
from hienmau.orgs import scoping
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class AboGroup(models.TextChoices):
    O = "O", "O"  # noqa: E741 (the blood group)
    A = "A", "A"
    B = "B", "B"
    AB = "AB", "AB"


class RhFactor(models.TextChoices):
    POSITIVE = "+", _("Rh+ (dương)")
    NEGATIVE = "-", _("Rh− (âm, nhóm máu hiếm)")


class BloodGroupSource(models.TextChoices):
    SELF_DECLARED = "self", _("Tự khai")
    CARD = "card", _("Theo thẻ, giấy chứng nhận hiến máu")
    FACILITY = "facility", _("Cơ sở y tế xác nhận")


class Component(models.TextChoices):
    WHOLE_BLOOD = "whole_blood", _("Máu toàn phần")
    RED_CELLS = "red_cells", _("Hồng cầu (gạn tách)")
    PLATELETS = "platelets", _("Tiểu cầu (gạn tách)")
    PLASMA = "plasma", _("Huyết tương (gạn tách)")


class Outcome(models.TextChoices):
    DONATED = "donated", _("Đã hiến")
    DEFERRED = "deferred", _("Tạm hoãn")


class BenefitKind(models.TextChoices):
    NONE = "", _("Chưa ghi nhận")
    CASH = "cash", _("Nhận tiền")
    GIFT = "gift", _("Nhận quà")


class Household(models.Model):
    name = models.CharField(_("tên hộ"), max_length=255)
    commune = models.ForeignKey(Unit, verbose_name=_("xã, phường"), null=True, blank=True, on_delete=models.PROTECT)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")

    def __str__(self) -> str:
        return self.name


class DonorQuerySet(models.QuerySet):
    def active(self) -> DonorQuerySet:
        """Not merged into another record and not erased."""
        return self.filter(merged_into__isnull=True, erased_at__isnull=True)

    def visible_to(self, scope: Scope) -> DonorQuerySet:
        return scoping.visible_donors(self, scope)

    def search(self, text: str) -> DonorQuerySet:
        """Name without diacritics ("nguyen van duc", "ng v duc"), phone (any written form) or CCCD.

        Each word of the query must start a word of the name, so "an" finds "An" but not "Loan". The
        given name is matched as a prefix of given_name_folded (a B-tree range), the other words by one
        LIKE on other_names_search (" " + folded family and middle names, trigram-indexed on PostgreSQL);
        keeping the given name out of that column lets a search for a common given name read the few
        family/middle-name matches from the trigram index and the rest in order from the B-tree.
        """
        text = (text or "").strip()
        if not text:
            return self.none()
        digits = "".join(ch for ch in text if ch.isdigit())
        if is_number_query(text):
            if len(digits) == 12:
                return self.filter(cccd=normalise_cccd(digits))
            try:
                return self.filter(phone=normalise_phone(text))
            except PhoneError:
                return self.filter(Q(phone__endswith=digits[-9:]) | Q(cccd__endswith=digits))
        query = self
        for word in fold(text).split():
            query = query.filter(name_word_condition(word))
        return query

    def vietnamese_order(self) -> DonorQuerySet:
        """Given name first, then the rest, as Vietnamese lists are read.

        On PostgreSQL a filtered list sorts after the trigram lookup: ordering on the bare column lets the
        planner walk the given-name index hunting for scattered matches, which took 5 s for "yen" on a
        million donors (bench/donors.py). Sorting an expression of it keeps the lookup first.
        """
        if connection.vendor == "postgresql" and self.query.where:
            return self.order_by(Concat("given_name_folded", Value("")), "name_folded", "pk")
        return self.order_by(*VIETNAMESE_ORDER)


VIETNAMESE_ORDER = ("given_name_folded", "name_folded", "pk")


def is_number_query(text: str) -> bool:
    """A phone number or CCCD (nine digits or more, written with spaces, dots or a leading +)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return len(digits) >= 9 and len(digits) == len(text.strip().replace(" ", "").replace(".", "").lstrip("+"))


def name_word_condition(word: str, prefix: str = "") -> Q:
    """A folded query word that starts one of the words of the donor's name (`prefix` reaches a donor
    through a relation, e.g. "donor__")."""
    return Q(**{f"{prefix}given_name_folded__startswith": word}) | Q(
        **{f"{prefix}other_names_search__contains": " " + word}
    )


def name_has_words(given_name_folded: str, other_names_search: str, words: list[str]) -> bool:
    """name_word_condition for every word, in Python, for rows already read."""
    return all(given_name_folded.startswith(word) or " " + word in other_names_search for word in words)


class Donor(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=255)
    # name_folded and given_name_folded use the "C" collation on PostgreSQL (migration 0004): byte order,
    # as on SQLite, and given-name prefixes become B-tree ranges.
    name_folded = models.CharField(max_length=255, editable=False)
    other_names_search = models.CharField(
        max_length=256, editable=False, default=""
    )  # " nguyen van": all but the given name
    given_name_folded = models.CharField(max_length=64, editable=False)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices, blank=True)
    cccd = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True)  # noqa: DJ001 -- NULL, not "", so that the unique constraint allows many blanks
    phone = models.CharField(_("số điện thoại"), max_length=16, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    commune = models.ForeignKey(
        Unit,
        verbose_name=_("xã, phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_donors",
    )
    workplace = models.ForeignKey(
        Unit,
        verbose_name=_("nơi làm việc, học tập"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="member_donors",
    )
    abo = models.CharField(_("nhóm máu ABO"), max_length=2, choices=AboGroup.choices, blank=True)
    rh = models.CharField(_("Rh"), max_length=1, choices=RhFactor.choices, blank=True)
    blood_group_source = models.CharField(
        _("nguồn thông tin nhóm máu"), max_length=10, choices=BloodGroupSource.choices, blank=True
    )
    blood_group_date = models.DateField(_("ngày xác định nhóm máu"), null=True, blank=True)
    # A source that disagreed with the group on record (donors/lib/blood_group.py): flagged, not overwritten.
    blood_group_conflict = models.CharField(_("nhóm máu cần kiểm tra"), max_length=255, blank=True)
    weight_kg = models.DecimalField(_("cân nặng (kg)"), max_digits=5, decimal_places=1, null=True, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("hộ gia đình"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    clubs = models.ManyToManyField(
        Unit,
        verbose_name=_("câu lạc bộ"),
        blank=True,
        related_name="club_donors",
        limit_choices_to={"category": "club"},
    )
    consent_contact = models.BooleanField(_("đồng ý được liên hệ"), default=False)
    consent_emergency = models.BooleanField(_("đồng ý liên hệ khi cần máu gấp"), default=False)
    consent_processing = models.BooleanField(_("đồng ý xử lý dữ liệu cá nhân"), default=False)
    consent_date = models.DateField(_("ngày đồng ý"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("dữ liệu mẫu tự tạo"), default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    erased_at = models.DateTimeField(_("đã xoá theo yêu cầu lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # History rows are read per record (by id): no indexes on their foreign keys, each one costs every insert.
    history = HistoricalRecords(
        excluded_fields=["name_folded", "other_names_search", "given_name_folded"],
        no_db_index=["commune", "workplace", "household", "merged_into"],
    )
    objects = DonorQuerySet.as_manager()
    # Shown masked wherever a value is printed without a logged reveal (core.audit reads this).
    masked_fields = {"cccd": mask_cccd, "phone": mask_phone}

    class Meta:
        verbose_name = _("người hiến máu")
        verbose_name_plural = _("người hiến máu")
        # Indexes and unique constraints are declared here rather than with db_index/unique on the fields:
        # on PostgreSQL those also build a LIKE-pattern index per column that no query uses, and each index
        # is written on every insert (a 100.000-row history import spent 3 s on them; bench/donors.py).
        indexes = [
            models.Index(fields=["date_of_birth", "name_folded"], name="donors_dob_name"),
            # Active donors only, and covering on PostgreSQL, so that list pages walk it in order without
            # reading the table (donors/search.py).
            models.Index(
                fields=["given_name_folded", "name_folded", "id"],
                include=["other_names_search"],
                condition=Q(merged_into__isnull=True, erased_at__isnull=True),
                name="donors_vietnamese_order",
            ),
            models.Index(fields=["phone"], name="donors_phone"),
            # Emergency matching starts from the compatible groups (standby/matching.py; bench/standby.py).
            models.Index(fields=["abo", "rh"], name="donors_blood_group"),
        ]
        constraints = [models.UniqueConstraint(fields=["cccd"], name="donors_unique_cccd")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        for attname, value in self.name_columns(self.full_name).items():
            setattr(self, attname, value)
        if self.cccd == "":
            self.cccd = None
        super().save(*args, **kwargs)

    @staticmethod
    def name_columns(full_name: str) -> dict[str, str]:
        """The name as written (spaces tidied) and the folded forms that search and sorting read."""
        full_name = " ".join(full_name.split())
        folded = fold(full_name)
        given, other = vietnamese_name_key(full_name)[:2]
        return {
            "full_name": full_name,
            "name_folded": folded,
            "given_name_folded": given[:64],
            "other_names_search": "".join(" " + word for word in other.split()),
        }

    @property
    def blood_group(self) -> str:
        if not self.abo:
            return ""
        return f"{self.abo} {'Rh−' if self.rh == '-' else 'Rh+' if self.rh == '+' else ''}".strip()

    @property
    def is_rare_group(self) -> bool:
        return self.rh == RhFactor.NEGATIVE


class DonationQuerySet(models.QuerySet):
    def donated(self) -> DonationQuerySet:
        return self.filter(outcome=Outcome.DONATED)


class Donation(models.Model):
    """One visit at a collecting point: blood given, or a deferral with its reason and end date."""

    # Indexed by donors_donation_donor_date (donor first), so no index of its own.
    donor = models.ForeignKey(
        Donor, verbose_name=_("người hiến"), on_delete=models.PROTECT, related_name="donations", db_index=False
    )
    date = models.DateField(_("ngày"))
    facility = models.ForeignKey(  # indexed by donors_donation_facility_date (facility first)
        Unit,
        verbose_name=_("cơ sở tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collected_donations",
        db_index=False,
    )
    drive_name = models.CharField(_("đợt / điểm hiến máu"), max_length=255, blank=True)
    mobilised_by = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị vận động"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mobilised_donations",
    )
    component = models.CharField(
        _("thành phần"), max_length=20, choices=Component.choices, default=Component.WHOLE_BLOOD
    )
    volume_ml = models.PositiveSmallIntegerField(_("thể tích (ml)"), null=True, blank=True)
    bag_number = models.CharField(_("mã túi máu"), max_length=40, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, default=Outcome.DONATED)
    deferral_reason = models.CharField(_("lý do tạm hoãn"), max_length=255, blank=True)
    deferral_until = models.DateField(_("tạm hoãn đến"), null=True, blank=True)
    benefit_kind = models.CharField(_("hình thức hỗ trợ"), max_length=10, choices=BenefitKind.choices, blank=True)
    benefit_amount = models.PositiveIntegerField(_("giá trị hỗ trợ (đồng)"), null=True, blank=True)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=40, null=True, blank=True)  # noqa: DJ001 (NULL: unique among the rows that have one)
    certificate_token = models.CharField(max_length=32, null=True, blank=True, editable=False)  # noqa: DJ001 (NULL: unique among the rows that have one)
    # A donation the eligibility rules refused, given on a physician's word (recording.record_donation).
    override_physician = models.CharField(_("bác sĩ cho phép"), max_length=255, blank=True)
    override_reason = models.CharField(_("lý do cho phép"), max_length=500, blank=True)
    override_refusal = models.TextField(_("điều kiện chưa đạt"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận cho phép"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    override_at = models.DateTimeField(_("thời điểm cho phép"), null=True, blank=True)
    source_key = models.CharField(  # noqa: DJ001 (NULL: unique among the rows that have one)
        max_length=120,
        null=True,
        blank=True,
        editable=False,
        help_text="facility code + bag number (or row id) of an imported row, for idempotent imports",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(no_db_index=["facility", "mobilised_by", "override_by"])  # see Donor.history
    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần hiến máu")
        verbose_name_plural = _("lần hiến máu")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["donor", "-date"], name="donors_donation_donor_date"),
            # A facility's visits of a day: the walk-ins results recount on every visit saved there.
            models.Index(fields=["facility", "date"], name="donors_donation_facility_date"),
        ]
        # Unique constraints here, not unique=True: see Donor.Meta. Each includes the date: on PostgreSQL the
        # table is partitioned by year (donors/partitions.py) and a unique index there must hold the partition
        # key. Uniqueness across dates is the writers' check: certificate numbers from the locked counter
        # (services.next_certificate_number), source keys looked up before an import inserts, tokens random.
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="deferred") | Q(volume_ml__isnull=False),
                name="donors_donated_has_volume",
                violation_error_message=_("Lần hiến máu phải có thể tích."),
            ),
            models.UniqueConstraint(
                fields=["certificate_number", "date"], name="donors_unique_certificate_number_date"
            ),
            models.UniqueConstraint(fields=["certificate_token", "date"], name="donors_unique_certificate_token_date"),
            models.UniqueConstraint(fields=["source_key", "date"], name="donors_unique_source_key_date"),
        ]

    def __str__(self) -> str:
        return f"{self.donor} — {self.date:%d/%m/%Y}"

    def ensure_certificate_token(self) -> str:
        if not self.certificate_token:
            self.certificate_token = secrets.token_urlsafe(18)[:24]
        return self.certificate_token


class RevealLogQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("reveal-log rows are an access record and are never deleted")


class RevealLog(models.Model):
    """Who looked at a person's full CCCD or phone number or exported their record, when and why
    (sensitive personal data). Rows are never deleted: erasure keeps them, pointing at the anonymised
    record. The person is a donor, or a record of an app above donors that holds people the same way
    (a humanitarian beneficiary), named by its model label and id so donors imports nothing above it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="reveals", null=True, blank=True)
    subject = models.CharField(max_length=60, blank=True)  # "humanitarian.beneficiary"; "" for a donor
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    field = models.CharField(max_length=20)  # "cccd", "phone" or "export"
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = RevealLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký xem dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xem dữ liệu cá nhân")
        ordering = ["-at"]
        indexes = [models.Index(fields=["subject", "subject_id"], name="donors_reveal_subject")]
        constraints = [
            models.CheckConstraint(
                condition=Q(donor__isnull=False, subject="") | Q(donor__isnull=True, subject_id__isnull=False),
                name="donors_reveal_one_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.donor_id or f'{self.subject}#{self.subject_id}'} — {self.field}"

    def delete(self, *args, **kwargs):
        raise PermissionError("reveal-log rows are an access record and are never deleted")

    @property
    def field_label(self) -> str:
        return str(REVEAL_FIELD_LABELS.get(self.field, self.field))


REVEAL_FIELD_LABELS = {"cccd": _("số CCCD"), "phone": _("số điện thoại"), "export": _("xuất dữ liệu")}


class DonorMerge(models.Model):
    """Two records found to be one person. Reversible: it remembers which donations moved and both
    records' own values as they were before the merge, so that undoing restores them exactly."""

    survivor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="merges_absorbed")
    moved_donation_ids = models.JSONField(default=list)
    filled_fields = models.JSONField(default=dict)  # fields the survivor took from the merged record
    survivor_before = models.JSONField(default=dict)  # the survivor's merge fields before the merge
    merged_before = models.JSONField(default=dict)  # the merged record's merge fields before the merge
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class EligibilityRuleSet(models.Model):
    """A dated version of the eligibility rules (values as in donors/data/eligibility_rules.json)."""

    effective_from = models.DateField(_("hiệu lực từ"), unique=True)
    citation = models.CharField(_("căn cứ"), max_length=500)
    values = models.JSONField(_("giá trị"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ quy định tiêu chuẩn hiến máu")
        verbose_name_plural = _("bộ quy định tiêu chuẩn hiến máu")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from:%d/%m/%Y} — {self.citation}"


class BenefitRate(models.Model):
    """What a donor receives, by component and volume band, from a date (Circular 15/2023/TT-BYT …)."""

    effective_from = models.DateField(_("hiệu lực từ"))
    component_group = models.CharField(
        _("nhóm"), max_length=20, choices=[("whole_blood", _("Máu toàn phần")), ("apheresis", _("Gạn tách thành phần"))]
    )
    volume_min_ml = models.PositiveSmallIntegerField(_("từ (ml)"))
    volume_max_ml = models.PositiveSmallIntegerField(_("đến (ml)"))
    amount = models.PositiveIntegerField(_("mức quà tặng / tiền (đồng)"))
    citation = models.CharField(_("căn cứ"), max_length=255)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mức hỗ trợ người hiến máu")
        verbose_name_plural = _("mức hỗ trợ người hiến máu")
        ordering = ["-effective_from", "component_group", "volume_min_ml"]

    def __str__(self) -> str:
        return f"{self.get_component_group_display()} {self.volume_min_ml}–{self.volume_max_ml} ml: {self.amount}"


# --- matching people to the registry (donors/registry.py) ----------------------------------------


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    APPROVED = "approved", _("Đã đồng ý")
    REJECTED = "rejected", _("Đã từ chối")


class LinkSource(models.TextChoices):
    """The path by which a person reached the registry."""

    MANUAL = "manual", _("Thêm hồ sơ")
    IMPORT = "import", _("Nhập lịch sử hiến máu")
    LIST = "list", _("Danh sách đăng ký")
    WALK_IN = "walk_in", _("Đến trực tiếp")
    SELF = "self", _("Tự đăng ký")


class TransferRequest(models.Model):
    """A CCCD typed by a user that belongs to a record outside their scope. The record is neither shown
    nor changed until the deciding unit (the level covering both sides, or the donor's home unit) agrees;
    then the waiting rows (held donations, registrations) are attached to it once."""

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="transfer_requests")
    asking_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deciding_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị quyết định"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=LinkSource.choices)
    typed_name = models.CharField(_("họ tên đã nhập"), max_length=255, blank=True)
    # What the asking user typed for the person (commune, workplace): applied when the person moved to them.
    donor_values = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yêu cầu chuyển hồ sơ")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["donor", "asking_unit"],
                condition=Q(status="pending"),
                name="donors_one_pending_transfer_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.asking_unit} → #{self.donor_id}"


class HeldDonation(models.Model):
    """A donation row that waits on a transfer decision, kept as typed so nothing is lost."""

    transfer = models.ForeignKey(TransferRequest, on_delete=models.CASCADE, related_name="held_donations")
    values = models.JSONField()
    source_key = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001 (NULL: unique among those that have one)
    # No database constraint: see Registration.donation and donors/partitions.py.
    donation = models.OneToOneField(
        Donation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source_key"], name="donors_unique_held_source_key")]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.values.get('date', '')}"


class DuplicateProposal(models.Model):
    """A new record that looks like an existing one of the same scope (same name and birth date, or the
    same phone and birth date). Never linked automatically: approving merges the new record into the
    existing one (reversibly, with its donations); rejecting keeps two people."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị xem xét"), on_delete=models.PROTECT, related_name="+")
    new_donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="duplicate_proposals")
    candidate = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("lý do"), max_length=100)
    source = models.CharField(_("nguồn"), max_length=10, choices=LinkSource.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đề xuất trùng hồ sơ")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["new_donor", "candidate"], name="donors_one_proposal_per_pair")]

    def __str__(self) -> str:
        return f"#{self.new_donor_id} ~ #{self.candidate_id}"


class CertificateCounter(models.Model):
    """The last certificate number given by one facility (or by no facility) in one year.

    issue_certificate locks this row (select_for_update) and takes the next number, so numbers never
    repeat, also after a donation is deleted, and two devices at one site take turns."""

    facility = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "year"],
                condition=Q(facility__isnull=False),
                name="donors_certificate_counter_per_facility",
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(facility__isnull=True), name="donors_certificate_counter_no_facility"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id or '-'} {self.year}: {self.last}"
