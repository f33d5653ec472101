"""Filters by unit (its subtree, inside the token's scope), period and status."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from hienmau.donors.models import Donation, Donor
from hienmau.drives.models import Drive, Registration
from hienmau.honours.models import Honour
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import scoped_units
from hienmau.plans.models import Allocation, Plan
from hienmau.standby.models import EmergencyRequest

MAX_ID = 2**31 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A record id: 1 to 2³¹ − 1 (larger numbers are refused before any query)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2199})
class YearFilter(filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=2199, **kwargs)


class ScopedFilterSet(filters.FilterSet):
    """`unit`: records of that unit's subtree, through the fields in UNIT_FIELDS. A unit the token's scope
    does not reach gives an empty list, as if it did not exist."""

    UNIT_FIELDS: tuple[str, ...] = ()
    unit = IdFilter(method="in_unit", help_text="A unit id: its subtree.")

    def in_unit(self, queryset, name, value):
        unit = scoped_units(self.request.scope).filter(pk=int(value)).first()
        if unit is None:
            return queryset.none()
        query = Q()
        for field in self.UNIT_FIELDS:
            query |= Q(**{f"{field}path__startswith": unit.path})
        return queryset.filter(query)


class UnitFilter(ScopedFilterSet):
    UNIT_FIELDS = ("",)
    kind = filters.ChoiceFilter(choices=Unit._meta.get_field("kind").choices)
    current = filters.BooleanFilter(method="is_current", help_text="Only units in force today.")

    class Meta:
        model = Unit
        fields = ["kind"]

    def is_current(self, queryset, name, value):
        return queryset.current() if value else queryset.exclude(pk__in=Unit.objects.current().values("pk"))


class PlanFilter(ScopedFilterSet):
    UNIT_FIELDS = ("issuing_unit__",)
    year = YearFilter(field_name="date__year")
    status = filters.ChoiceFilter(choices=Plan._meta.get_field("status").choices)
    kind = filters.ChoiceFilter(choices=Plan._meta.get_field("kind").choices)

    class Meta:
        model = Plan
        fields = ["status", "kind"]


class AllocationFilter(ScopedFilterSet):
    UNIT_FIELDS = ("unit__",)
    plan = IdFilter(field_name="plan_id")

    class Meta:
        model = Allocation
        fields: list[str] = []


class DriveFilter(ScopedFilterSet):
    UNIT_FIELDS = ("organiser__", "facility__")
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")
    status = filters.ChoiceFilter(choices=Drive._meta.get_field("status").choices)
    plan = IdFilter(field_name="plan_id")

    class Meta:
        model = Drive
        fields = ["status"]


class RegistrationFilter(ScopedFilterSet):
    UNIT_FIELDS = ("unit__",)
    drive = IdFilter(field_name="drive_id")
    status = filters.ChoiceFilter(choices=Registration._meta.get_field("status").choices)

    class Meta:
        model = Registration
        fields = ["status"]


class DonorFilter(ScopedFilterSet):
    UNIT_FIELDS = ("commune__", "workplace__")
    abo = filters.ChoiceFilter(choices=Donor._meta.get_field("abo").choices)
    rh = filters.ChoiceFilter(choices=Donor._meta.get_field("rh").choices)

    class Meta:
        model = Donor
        fields = ["abo", "rh"]


class DonationFilter(ScopedFilterSet):
    UNIT_FIELDS = ("facility__",)
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")
    outcome = filters.ChoiceFilter(choices=Donation._meta.get_field("outcome").choices)
    donor = IdFilter(field_name="donor_id")
    bag_number = filters.CharFilter(max_length=40)

    class Meta:
        model = Donation
        fields = ["outcome"]


class EmergencyRequestFilter(ScopedFilterSet):
    UNIT_FIELDS = ("facility__", "office__")
    status = filters.ChoiceFilter(choices=EmergencyRequest._meta.get_field("status").choices)
    created_from = filters.DateFilter(field_name="created_at__date", lookup_expr="gte")
    created_to = filters.DateFilter(field_name="created_at__date", lookup_expr="lte")

    class Meta:
        model = EmergencyRequest
        fields = ["status"]


class HonourFilter(ScopedFilterSet):
    UNIT_FIELDS = ("owner__",)
    year = YearFilter(field_name="year")
    status = filters.ChoiceFilter(choices=Honour._meta.get_field("status").choices)
    round = IdFilter(field_name="round_id")

    class Meta:
        model = Honour
        fields = ["status"]
