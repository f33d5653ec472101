"""Filters by unit (its subtree, inside the token's scope), period and status."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from hienmau.donors.models import Donation, Donor
from hienmau.drives.models import Drive, Registration
from hienmau.honours.models import Honour
from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import scoped_units
from hienmau.plans.models import Allocation, Plan
from hienmau.standby.models import EmergencyRequest

ID = {"min_value": 1, "max_value": 2**31 - 1}
YEAR = {"min_value": 1900, "max_value": 2199}


class ScopedFilterSet(filters.FilterSet):
    """`unit`: records of that unit's subtree, through the fields in UNIT_FIELDS. A unit the token's scope
    does not reach gives an empty list, as if it did not exist."""

    UNIT_FIELDS: tuple[str, ...] = ()
    unit = filters.NumberFilter(method="in_unit", help_text="A unit id: its subtree.", **ID)

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
    year = filters.NumberFilter(field_name="date__year", **YEAR)
    status = filters.ChoiceFilter(choices=Plan._meta.get_field("status").choices)
    kind = filters.ChoiceFilter(choices=Plan._meta.get_field("kind").choices)

    class Meta:
        model = Plan
        fields = ["status", "kind"]


class AllocationFilter(ScopedFilterSet):
    UNIT_FIELDS = ("unit__",)
    plan = filters.NumberFilter(field_name="plan_id", **ID)

    class Meta:
        model = Allocation
        fields: list[str] = []


class DriveFilter(ScopedFilterSet):
    UNIT_FIELDS = ("organiser__", "facility__")
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")
    status = filters.ChoiceFilter(choices=Drive._meta.get_field("status").choices)
    plan = filters.NumberFilter(field_name="plan_id", **ID)

    class Meta:
        model = Drive
        fields = ["status"]


class RegistrationFilter(ScopedFilterSet):
    UNIT_FIELDS = ("unit__",)
    drive = filters.NumberFilter(field_name="drive_id", **ID)
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
    donor = filters.NumberFilter(field_name="donor_id", **ID)
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
    year = filters.NumberFilter(field_name="year", **YEAR)
    status = filters.ChoiceFilter(choices=Honour._meta.get_field("status").choices)
    round = filters.NumberFilter(field_name="round_id", **ID)

    class Meta:
        model = Honour
        fields = ["status"]
