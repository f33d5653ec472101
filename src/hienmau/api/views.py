"""The read endpoints and the facility push. Every queryset starts from the token's scope through the
same functions the pages use (orgs.scoping and the querysets' visible_to); a record outside it is a 404."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from hienmau.api import serializers as s
from hienmau.api.errors import Conflict
from hienmau.api.filters import (
    AllocationFilter,
    DonationFilter,
    DonorFilter,
    DriveFilter,
    EmergencyRequestFilter,
    HonourFilter,
    PlanFilter,
    RegistrationFilter,
    UnitFilter,
)
from hienmau.core.clock import today
from hienmau.core.middleware import redo_on_fault
from hienmau.donors.models import Donation, Donor
from hienmau.drives import services as drive_services
from hienmau.drives.facility_push import PushRefused, PushRow, push_day
from hienmau.drives.models import Drive, Registration
from hienmau.honours.models import Honour
from hienmau.orgs import scoping
from hienmau.orgs.models import SuccessorLink, Unit
from hienmau.plans.models import Allocation, Plan
from hienmau.reports import services as report_services
from hienmau.standby.models import Call, EmergencyRequest

MAX_ID = 2**31 - 1


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = "[0-9]+"

    @property
    def scope(self) -> scoping.Scope:
        return self.request.scope

    def get_object(self):
        if not 0 < int(self.kwargs[self.lookup_field]) <= MAX_ID:
            raise exceptions.NotFound
        return super().get_object()


class UnitViewSet(ScopedViewSet):
    """Units the token's scope reaches, with their approved successor and predecessor links."""

    queryset = Unit.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter

    def get_queryset(self):
        links = SuccessorLink.objects.approved()
        return (
            scoping.scoped_units(self.scope)
            .prefetch_related(
                Prefetch("successor_links", links.select_related("successor"), to_attr="approved_successor_links"),
                Prefetch(
                    "predecessor_links", links.select_related("predecessor"), to_attr="approved_predecessor_links"
                ),
            )
            .order_by("path")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", {"type": "integer", "minimum": 2000, "maximum": 2100}, description="Default: this year."
            ),
            OpenApiParameter("by", str, enum=["month", "unit"], description="Rows per month or per unit below."),
        ],
        responses=s.AchievementSerializer,
        filters=False,
    )
    @action(detail=True, filterset_class=None, pagination_class=None)
    def achievement(self, request, pk=None):
        """Target, result and % of the unit's subtree in a year (reports.services.unit_year)."""
        unit = self.get_object()
        query = s.YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year, by = query.validated_data.get("year", today().year), query.validated_data.get("by")
        data = report_services.unit_year(unit, year, by).as_json()
        rows = [{key: row[key] for key in ("unit", "target", "result", "percent")} for row in data["rows"]]
        totals = {key: data["totals"][key] for key in ("target", "result", "percent")}
        return Response({"rows": rows, "totals": totals})


class PlanViewSet(ScopedViewSet):
    queryset = Plan.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return Plan.objects.visible_to(self.scope).select_related("issuing_unit").order_by("-date", "pk")

    @extend_schema(responses=s.AchievementSerializer, filters=False)
    @action(detail=True, filterset_class=None, pagination_class=None)
    def achievement(self, request, pk=None):
        """Target, result and % per allocation, as the plan's achievement page shows them to this scope."""
        plan = self.get_object()
        data = report_services.plan_achievement(plan)
        rows = []
        for line in data.report.lines:
            if scoping.sees_allocation(self.scope, plan, data.allocations[line.key]):
                percent = float(line.percent) if line.percent is not None else None
                rows.append(
                    {"unit": line.name, "target": line.target, "result": line.result.collected, "percent": percent}
                )
        totals = None
        if scoping.sees_plan_whole(self.scope, plan):
            full = data.as_json()["totals"]
            totals = {key: full[key] for key in ("target", "result", "percent")}
        return Response({"rows": rows, "totals": totals})


class AllocationViewSet(ScopedViewSet):
    queryset = Allocation.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.AllocationSerializer
    filterset_class = AllocationFilter

    def get_queryset(self):
        plans = Plan.objects.visible_to(self.scope)
        allocations = Allocation.objects.filter(plan__in=plans.values("pk"))
        return (
            scoping.visible_allocations(allocations, self.scope)
            .select_related("unit")
            .prefetch_related("cells__bucket")
            .order_by("plan_id", "position", "pk")
        )


class DriveViewSet(ScopedViewSet):
    """Drives the scope sees; the slots listed are the part it sees (drives.services.DrivePart)."""

    queryset = Drive.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.DriveSerializer
    filterset_class = DriveFilter

    def get_queryset(self):
        slots = drive_services.DrivePart.slots_seen(self.scope).select_related("unit").order_by("start_time", "pk")
        return (
            Drive.objects.visible_to(self.scope)
            .select_related("organiser", "facility")
            .prefetch_related(Prefetch("slots", slots, to_attr="seen_slots"))
            .order_by("-date", "pk")
        )

    @extend_schema(responses=s.DriveResultsSerializer, filters=False)
    @action(detail=True, filterset_class=None, pagination_class=None)
    def results(self, request, pk=None):
        """Registered, donated, deferred, absent and volume per mobilising unit (the drive's result page)."""
        drive = self.get_object()
        rows, total = drive_services.results(drive, drive_services.DrivePart.seen_by(drive, self.scope))
        return Response({"rows": [vars(row) for row in rows], "total": vars(total)})


class RegistrationViewSet(ScopedViewSet):
    queryset = Registration.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.RegistrationSerializer
    filterset_class = RegistrationFilter

    def get_queryset(self):
        registrations = scoping.visible_registrations(Registration.objects.all(), self.scope)
        return registrations.select_related("unit").order_by("drive_id", "pk")


class DonorViewSet(ScopedViewSet):
    """Donors of the scope; CCCD and phone masked as on the pages (a full value needs the logged reveal of
    the donor page, which the API does not offer)."""

    queryset = Donor.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.DonorSerializer
    filterset_class = DonorFilter

    def get_queryset(self):
        return Donor.objects.active().visible_to(self.scope).select_related("commune", "workplace").order_by("pk")


class DonationViewSet(ScopedViewSet):
    """Donations and deferrals of the scope's donors."""

    queryset = Donation.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.DonationSerializer
    filterset_class = DonationFilter

    def get_queryset(self):
        donors = Donor.objects.visible_to(self.scope)
        return (
            Donation.objects.filter(donor__in=donors.values("pk"))
            .select_related("facility", "mobilised_by")
            .order_by("-date", "pk")
        )


class EmergencyRequestViewSet(ScopedViewSet):
    """Emergency requests with their calls and answers (standby)."""

    queryset = EmergencyRequest.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.EmergencyRequestSerializer
    filterset_class = EmergencyRequestFilter

    def get_queryset(self):
        calls = Call.objects.select_related("donor").order_by("wave", "at", "pk")
        return (
            scoping.visible_emergency_requests(EmergencyRequest.objects.all(), self.scope)
            .select_related("facility", "office")
            .prefetch_related(Prefetch("calls", calls))
            .order_by("-created_at", "pk")
        )


class HonourViewSet(ScopedViewSet):
    queryset = Honour.objects.none()  # for the schema; get_queryset scopes
    serializer_class = s.HonourSerializer
    filterset_class = HonourFilter

    def get_queryset(self):
        return scoping.scope_queryset(Honour.objects.all(), self.scope, "owner").select_related("owner").order_by("pk")


@extend_schema_view(
    post=extend_schema(
        request=s.PushSerializer,
        responses={200: s.PushResultSerializer, 409: s.ConflictSerializer},
        description="Record a facility's day of donations and deferrals, all or nothing, idempotent by bag "
        "number. A row whose bag number is already recorded with the same content is `unchanged`; the same "
        "bag number with other content, or a row the rules refuse, refuses the whole push (409) naming the rows.",
    )
)
class DonationPush(APIView):
    def post(self, request):
        payload = s.PushSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        facility = scoping.get_unit_in_scope(request.scope, data["facility"])
        rows = [PushRow(**row) for row in data["rows"]]
        redo_on_fault(
            request._request,
            _("Không dòng nào được ghi: gửi lại cả ngày; dòng nào đã ghi trước đây sẽ không bị ghi hai lần."),
        )
        try:
            done = push_day(facility, data["date"], rows, request.scope, request.user)
        except PushRefused as refused:
            raise Conflict(
                refused.messages[0],
                [{"index": p.index, "bag_number": p.bag_number, "message": p.message} for p in refused.problems],
            ) from refused
        created = sum(1 for row in done if row.status == "created")
        return Response({"created": created, "unchanged": len(done) - created, "rows": [vars(row) for row in done]})


def not_found(request, path=""):
    """Any other address under /api/: the same JSON 404 as a record outside the scope."""
    return JsonResponse(
        {"code": "not_found", "message": _("Không tìm thấy, hoặc ngoài phạm vi của khoá này.")}, status=404
    )
