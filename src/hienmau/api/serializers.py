"""What the API returns. Codes come with their Vietnamese labels (`*_label`); CCCD and phone numbers are
masked exactly as on the pages (donors.privacy.masked), and are never returned in full."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hienmau.donors.models import Donation, Donor
from hienmau.donors.privacy import masked
from hienmau.drives.models import Drive, Registration, TimeSlot
from hienmau.honours.models import Honour
from hienmau.orgs.models import SuccessorLink, Unit
from hienmau.plans.models import Allocation, Plan
from hienmau.standby.models import Call, EmergencyRequest


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "07:30"})
class ClockTime(serializers.TimeField):
    """A time of day as written on the pages, "07:30" (JSON Schema's "time" format asks for a zone)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class UnitRefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "full_name"]


class LinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuccessorLink
        fields = ["share", "effective_date", "legal_basis"]


class SuccessorSerializer(LinkSerializer):
    unit = UnitRefSerializer(source="successor", read_only=True)

    class Meta(LinkSerializer.Meta):
        fields = ["unit", *LinkSerializer.Meta.fields]


class PredecessorSerializer(LinkSerializer):
    unit = UnitRefSerializer(source="predecessor", read_only=True)

    class Meta(LinkSerializer.Meta):
        fields = ["unit", *LinkSerializer.Meta.fields]


class UnitSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    successors = SuccessorSerializer(source="approved_successor_links", many=True, read_only=True)
    predecessors = PredecessorSerializer(source="approved_predecessor_links", many=True, read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "full_name",
            "kind",
            "kind_label",
            "category",
            "category_label",
            "parent",
            "population",
            "valid_from",
            "valid_until",
            "successors",
            "predecessors",
        ]


class PlanSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    issuing_unit = UnitRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "reference",
            "number",
            "suffix",
            "date",
            "title",
            "issuing_unit",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "period_start",
            "period_end",
            "parent_plan",
            "report_deadline",
        ]


class AllocationSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    metric_label = serializers.CharField(source="get_metric_display", read_only=True)
    cells = serializers.SerializerMethodField()

    class Meta:
        model = Allocation
        fields = ["id", "plan", "unit", "unit_name", "metric", "metric_label", "total", "section", "note", "cells"]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_cells(self, allocation) -> dict[str, int]:
        """The split by month ("month:5") or round ("round:2")."""
        return {cell.bucket.key: cell.value for cell in allocation.cells.all()}


class SlotSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    start_time = ClockTime(read_only=True)
    end_time = ClockTime(read_only=True)

    class Meta:
        model = TimeSlot
        fields = ["id", "unit", "start_time", "end_time", "quota"]


class DriveSerializer(serializers.ModelSerializer):
    organiser = UnitRefSerializer(read_only=True)
    start_time = ClockTime(read_only=True)
    end_time = ClockTime(read_only=True, allow_null=True)
    facility = UnitRefSerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    slots = serializers.SerializerMethodField()

    class Meta:
        model = Drive
        fields = [
            "id",
            "title",
            "date",
            "start_time",
            "end_time",
            "site_name",
            "site_address",
            "organiser",
            "facility",
            "plan",
            "target_units",
            "status",
            "status_label",
            "slots",
        ]

    @extend_schema_field(SlotSerializer(many=True))
    def get_slots(self, drive) -> list[dict]:
        """The time slots the token's scope sees: all for the organising side and the facility, a unit's
        own for a unit that takes part (drives.services.DrivePart.slots_seen, prefetched)."""
        return SlotSerializer(drive.seen_slots, many=True).data


class RegistrationSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "drive", "slot", "unit", "donor", "full_name", "kind", "kind_label", "status", "status_label"]


class DonorSerializer(serializers.ModelSerializer):
    cccd = serializers.SerializerMethodField(help_text="Masked, as on the pages.")
    phone = serializers.SerializerMethodField(help_text="Masked, as on the pages.")
    sex_label = serializers.CharField(source="get_sex_display", read_only=True)
    blood_group = serializers.CharField(read_only=True)
    commune = UnitRefSerializer(read_only=True, allow_null=True)
    workplace = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Donor
        fields = [
            "id",
            "full_name",
            "date_of_birth",
            "sex",
            "sex_label",
            "blood_group",
            "cccd",
            "phone",
            "commune",
            "workplace",
            "consent_emergency",
            "is_synthetic",
        ]

    def get_cccd(self, donor) -> str:
        return masked("cccd", donor.cccd)

    def get_phone(self, donor) -> str:
        return masked("phone", donor.phone)


class DonationSerializer(serializers.ModelSerializer):
    facility = UnitRefSerializer(read_only=True, allow_null=True)
    mobilised_by = UnitRefSerializer(read_only=True, allow_null=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    component_label = serializers.CharField(source="get_component_display", read_only=True)

    class Meta:
        model = Donation
        fields = [
            "id",
            "donor",
            "date",
            "outcome",
            "outcome_label",
            "component",
            "component_label",
            "volume_ml",
            "bag_number",
            "facility",
            "drive_name",
            "mobilised_by",
            "deferral_reason",
            "deferral_until",
            "certificate_number",
        ]


class CallSerializer(serializers.ModelSerializer):
    donor_name = serializers.CharField(source="donor.full_name", read_only=True)
    phone = serializers.SerializerMethodField(help_text="Masked, as on the pages.")
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "donor",
            "donor_name",
            "phone",
            "wave",
            "channel",
            "channel_label",
            "at",
            "outcome",
            "outcome_label",
            "answered_at",
        ]

    def get_phone(self, call) -> str:
        return masked("phone", call.donor.phone)


class EmergencyRequestSerializer(serializers.ModelSerializer):
    facility = UnitRefSerializer(read_only=True, allow_null=True)
    office = UnitRefSerializer(read_only=True, allow_null=True)
    component_label = serializers.CharField(source="get_component_display", read_only=True)
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    calls = CallSerializer(many=True, read_only=True)

    class Meta:
        model = EmergencyRequest
        fields = [
            "id",
            "facility",
            "office",
            "abo",
            "rh",
            "component",
            "component_label",
            "units",
            "urgency",
            "urgency_label",
            "needed_by",
            "status",
            "status_label",
            "created_at",
            "filled_at",
            "calls",
        ]


class HonourSerializer(serializers.ModelSerializer):
    owner = UnitRefSerializer(read_only=True)
    subject_label = serializers.CharField(source="get_subject_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Honour
        fields = [
            "id",
            "owner",
            "round",
            "subject",
            "subject_label",
            "donor",
            "household",
            "honoured_unit",
            "name",
            "tier",
            "count",
            "year",
            "level",
            "level_label",
            "award",
            "status",
            "status_label",
            "certificate_number",
        ]


# --- results -------------------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    target = serializers.IntegerField(allow_null=True)
    result = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    by = serializers.ChoiceField(choices=["month", "unit"], required=False)


class AchievementRowSerializer(FiguresSerializer):
    unit = serializers.CharField()


class AchievementSerializer(serializers.Serializer):
    rows = AchievementRowSerializer(many=True)
    totals = FiguresSerializer(allow_null=True, help_text="Only for the issuing side, which sees every row.")


class DriveResultRowSerializer(serializers.Serializer):
    unit_name = serializers.CharField()
    registered = serializers.IntegerField()
    donated = serializers.IntegerField()
    deferred = serializers.IntegerField()
    no_show = serializers.IntegerField()
    volume_ml = serializers.IntegerField()


class DriveResultsSerializer(serializers.Serializer):
    rows = DriveResultRowSerializer(many=True)
    total = DriveResultRowSerializer()


# --- the push ------------------------------------------------------------------------------------


class PushRowSerializer(serializers.Serializer):
    bag_number = serializers.CharField(
        max_length=40, help_text="The bag's number (for a deferral, the facility's visit number); the key."
    )
    registration = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    outcome = serializers.ChoiceField(choices=["donated", "deferred"])
    component = serializers.ChoiceField(
        choices=["whole_blood", "red_cells", "platelets", "plasma"], default="whole_blood"
    )
    volume_ml = serializers.ChoiceField(choices=[250, 350, 450], required=False, allow_null=True)
    deferral_reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    deferral_until = serializers.DateField(required=False, allow_null=True)


class PushSerializer(serializers.Serializer):
    facility = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The collecting facility (unit id)."
    )
    date = serializers.DateField()
    rows = serializers.ListField(child=PushRowSerializer(), min_length=1, max_length=5000)


class PushedRowSerializer(serializers.Serializer):
    bag_number = serializers.CharField()
    registration = serializers.IntegerField()
    donation = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "unchanged"])


class PushResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rows = PushedRowSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ConflictRowSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    bag_number = serializers.CharField()
    message = serializers.CharField()


class ConflictSerializer(ErrorSerializer):
    rows = ConflictRowSerializer(many=True)
