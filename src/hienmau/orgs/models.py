"""The unit tree, successor links across the 2025 reform, and who holds which role where."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hienmau.core.clock import today
from hienmau.core.lib.text import fold
from hienmau.orgs.lib import boundaries


class UnitKind(models.TextChoices):
    NATIONAL = "national", _("Toàn quốc")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    ORGANISATION = "organisation", _("Cơ quan, đơn vị")


class UnitCategory(models.TextChoices):
    NATIONAL = "national", _("toàn quốc")
    PROVINCE = "tinh", _("tỉnh")
    CENTRAL_CITY = "thanh_pho_tw", _("thành phố")
    RURAL_DISTRICT = "huyen", _("huyện")
    URBAN_DISTRICT = "quan", _("quận")
    TOWN = "thi_xa", _("thị xã")
    PROVINCIAL_CITY = "thanh_pho", _("thành phố")
    RURAL_COMMUNE = "xa", _("xã")
    WARD = "phuong", _("phường")
    TOWNSHIP = "thi_tran", _("thị trấn")
    SPECIAL_ZONE = "dac_khu", _("đặc khu")
    AGENCY = "agency", _("cơ quan")
    SCHOOL = "school", _("trường học")
    ENTERPRISE = "enterprise", _("doanh nghiệp")
    ARMED_FORCES = "armed_forces", _("lực lượng vũ trang")
    HOSPITAL = "hospital", _("bệnh viện, cơ sở y tế")
    UNION = "union", _("đoàn thể")
    CLUB = "club", _("câu lạc bộ")


_CATEGORY_LABELS: dict[str, Promise] = dict(UnitCategory.choices)

CATEGORIES_BY_KIND: dict[str, tuple[str, ...]] = {
    UnitKind.NATIONAL: (UnitCategory.NATIONAL,),
    UnitKind.PROVINCE: (UnitCategory.PROVINCE, UnitCategory.CENTRAL_CITY),
    UnitKind.DISTRICT: (
        UnitCategory.RURAL_DISTRICT,
        UnitCategory.URBAN_DISTRICT,
        UnitCategory.TOWN,
        UnitCategory.PROVINCIAL_CITY,
    ),
    UnitKind.COMMUNE: (
        UnitCategory.RURAL_COMMUNE,
        UnitCategory.WARD,
        UnitCategory.TOWNSHIP,
        UnitCategory.SPECIAL_ZONE,
    ),
    UnitKind.ORGANISATION: (
        UnitCategory.AGENCY,
        UnitCategory.SCHOOL,
        UnitCategory.ENTERPRISE,
        UnitCategory.ARMED_FORCES,
        UnitCategory.HOSPITAL,
        UnitCategory.UNION,
        UnitCategory.CLUB,
    ),
}
# Where a territorial unit may sit. Communes sit under districts before 1/7/2025 and directly under
# provinces after; organisations may sit under any unit, including another organisation.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str]] = {
    UnitKind.NATIONAL: frozenset(),
    UnitKind.PROVINCE: frozenset({UnitKind.NATIONAL}),
    UnitKind.DISTRICT: frozenset({UnitKind.PROVINCE}),
    UnitKind.COMMUNE: frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT}),
    UnitKind.ORGANISATION: frozenset(UnitKind.values),
}


def parent_kind_problem(kind: str, parent_kind: str | None) -> str | None:
    """Why a unit of `kind` cannot sit under a unit of `parent_kind`, or None when it can."""
    if parent_kind is None:
        return None if kind == UnitKind.NATIONAL else str(_("Cần chọn đơn vị cấp trên."))
    if parent_kind not in ALLOWED_PARENT_KINDS.get(kind, frozenset()):
        return str(
            _("%(kind)s không thể trực thuộc đơn vị %(parent)s.")
            % {
                "kind": UnitKind(kind).label,
                "parent": str(UnitKind(parent_kind).label).lower(),
            }
        )
    return None


class UnitQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None) -> UnitQuerySet:
        day = day or today()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gt=day),
        )

    def current(self) -> UnitQuerySet:
        return self.valid_on(today())

    def search(self, text: str) -> UnitQuerySet:
        """Accent-insensitive match on name or code; each word of the query must appear."""
        query = self
        for word in fold(text).split():
            query = query.filter(Q(name_folded__contains=word) | Q(code__startswith=word))
        return query

    def descendants_of(self, unit: Unit, include_self: bool = True) -> UnitQuerySet:
        query = self.filter(path__startswith=unit.path)
        return query if include_self else query.exclude(pk=unit.pk)


class Unit(models.Model):
    """Any node of the tree: the nation, a province, a district, a commune or an organisation.

    `valid_until` is the first day on which the unit no longer exists (exclusive end), so a province
    merged "on 12/6/2025" has valid_until = 2025-06-12.
    """

    code = models.CharField(
        _("mã"), max_length=20, blank=True, db_index=True, help_text=_("Mã của Tổng cục Thống kê, nếu có.")
    )
    name = models.CharField(_("tên"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("cấp"), max_length=20, choices=UnitKind.choices)
    category = models.CharField(_("loại"), max_length=20, choices=UnitCategory.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "/1/5/23/": one indexed prefix query finds a whole subtree on any database.
    path = models.CharField(max_length=512, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    population = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("số cán bộ, nhân viên"), null=True, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(
        _("chấm dứt từ"), null=True, blank=True, help_text=_("Ngày đầu tiên đơn vị không còn tồn tại.")
    )
    note = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords()
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_until__isnull=True) & ~Q(code=""),
                name="orgs_unit_unique_current_code",
                violation_error_message=_("Đã có một đơn vị đang hoạt động với mã này."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="orgs_unit_validity_ordered",
                violation_error_message=_("Ngày chấm dứt phải sau ngày hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """'tỉnh Kiên Giang', 'huyện An Minh'; organisations are named in full already."""
        if self.kind in (UnitKind.NATIONAL, UnitKind.ORGANISATION):
            return self.name
        # One label lookup, not get_category_display(), which rebuilds its choices on every call (a
        # third of a province report's time went there; bench/achievement.py).
        return f"{_CATEGORY_LABELS.get(self.category, self.category)} {self.name}"

    @property
    def document_place(self) -> str:
        """The place on the place-and-date line of the unit's documents (Decree 30/2020): its own name, or
        for an organisation the nearest territorial unit above it; "" for the nation or where none is known."""
        if self.kind not in (UnitKind.ORGANISATION, UnitKind.NATIONAL):
            return self.name
        territorial = [u for u in self.ancestors() if u.kind not in (UnitKind.ORGANISATION, UnitKind.NATIONAL)]
        return territorial[-1].name if territorial else ""

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def ancestors(self) -> list[Unit]:
        by_id = Unit.objects.in_bulk(self.ancestor_ids)
        return [by_id[pk] for pk in self.ancestor_ids if pk in by_id]

    def is_valid_on(self, day: datetime.date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_until is None or self.valid_until > day
        return starts_ok and ends_ok

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(today())

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.category and self.kind and self.category not in CATEGORIES_BY_KIND.get(self.kind, ()):
            errors["category"] = _("Loại “%(category)s” không thuộc cấp “%(kind)s”.") % {
                "category": self.get_category_display(),
                "kind": self.get_kind_display(),
            }
        if self.pk and self.parent is not None and f"/{self.pk}/" in self.parent.path:
            errors["parent"] = _("Không thể đặt một đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó.")
        elif self.kind:
            problem = parent_kind_problem(self.kind, self.parent.kind if self.parent is not None else None)
            if problem:
                errors["parent"] = problem
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        self.code = self.code.strip()
        self.name_folded = fold(self.name)
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                # The path needs the new primary key; writing it is bookkeeping, not a second change.
                self._set_path()
                Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
                return
            old_path = self.path
            self._set_path()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path)

    def _set_path(self) -> None:
        prefix = self.parent.path if self.parent is not None else "/"
        if f"/{self.pk}/" in prefix:
            raise ValidationError({"parent": _("Không thể đặt một đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó.")})
        self.path = f"{prefix}{self.pk}/"
        self.depth = self.path.count("/") - 2

    def _move_descendants(self, old_path: str) -> None:
        # Paths are derived from parents, so rewriting them is bookkeeping, not a change to audit.
        for pk, path in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).values_list("pk", "path"):
            new_path = self.path + path[len(old_path) :]
            Unit.objects.filter(pk=pk).update(path=new_path, depth=new_path.count("/") - 2)


class LinkStatus(models.TextChoices):
    APPROVED = "approved", _("Đã duyệt")
    PENDING = "pending", _("Chờ duyệt")
    REFUSED = "refused", _("Không được duyệt")


class SuccessorLinkQuerySet(models.QuerySet):
    def approved(self) -> SuccessorLinkQuerySet:
        return self.filter(status=LinkStatus.APPROVED)

    def pending(self) -> SuccessorLinkQuerySet:
        return self.filter(status=LinkStatus.PENDING)

    def cycle_if_linked(self, predecessor_id: int, successor_id: int) -> list[str] | None:
        """Names along the cycle that linking predecessor → successor would create among the approved links,
        or None."""
        graph: dict[int, list[int]] = defaultdict(list)
        for pred, succ in self.approved().values_list("predecessor_id", "successor_id"):
            graph[pred].append(succ)
        cycle = boundaries.cycle_if_linked(graph, predecessor_id, successor_id)
        if cycle is None:
            return None
        names = {unit.pk: unit.full_name for unit in Unit.objects.filter(pk__in=cycle)}
        return [names.get(pk, str(pk)) for pk in cycle]


class SuccessorLink(models.Model):
    """`predecessor` ceased and `successor` took over its territory or members.

    Several links into one successor model a merger; several out of one predecessor model a split,
    where `share` says which part of the predecessor's figures each successor takes in today's
    boundaries.

    A link hands the predecessor's records to the successor's officers, so only an approved link counts
    (scoping, boundaries). An officer records a link directly when both ends are in their scope; any
    other link is a proposal that an officer of `deciding_unit` (the lowest unit whose scope holds both
    ends) approves or refuses.
    """

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cũ"), on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị kế thừa"), on_delete=models.PROTECT, related_name="predecessor_links"
    )
    share = models.DecimalField(
        _("tỉ lệ kế thừa"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("Phần số liệu của đơn vị cũ tính cho đơn vị này (1 = toàn bộ)."),
    )
    effective_date = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=LinkStatus.choices, default=LinkStatus.APPROVED)
    deciding_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor_links_to_decide",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề xuất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    decision_note = models.CharField(_("ý kiến khi duyệt"), max_length=255, blank=True)

    history = HistoricalRecords()
    objects = SuccessorLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("liên kết kế thừa")
        verbose_name_plural = _("liên kết kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="orgs_successor_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="orgs_successor_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def clean(self) -> None:
        if self.predecessor_id and self.successor_id:
            cycle = SuccessorLink.objects.cycle_if_linked(self.predecessor_id, self.successor_id)
            if cycle:
                raise ValidationError(
                    _("Liên kết này tạo thành vòng lặp kế thừa: %(cycle)s.") % {"cycle": " → ".join(cycle)}
                )


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    OFFICER = "officer", _("Cán bộ Văn phòng Ban Chỉ đạo")
    FOCAL_POINT = "focal_point", _("Đầu mối đơn vị")
    FACILITY_STAFF = "facility_staff", _("Nhân viên cơ sở tiếp nhận máu")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")


EDITING_ROLES = frozenset({Role.ADMIN, Role.OFFICER, Role.FOCAL_POINT, Role.FACILITY_STAFF})
UNIT_MANAGING_ROLES = frozenset({Role.ADMIN, Role.OFFICER})


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> MembershipQuerySet:
        return self.filter(user=user).select_related("unit").order_by("unit__depth", "unit__name")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="orgs_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
