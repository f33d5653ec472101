from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hienmau.plans.models import Allocation, CampaignLabel, Plan, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("number_and_suffix", "date", "title", "issuing_unit", "kind", "status")
    list_filter = ("kind", "status")
    search_fields = ("number", "title")
    raw_id_fields = ("issuing_unit", "parent_plan", "received_allocation")
    inlines = [TargetInline]

    @admin.display(description=_("số, ký hiệu"), ordering="number")
    def number_and_suffix(self, plan: Plan) -> str:
        return plan.reference or "—"


@admin.register(Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    list_display = ("unit_name", "plan", "total", "metric")
    raw_id_fields = ("plan", "unit", "delegated_to")
    search_fields = ("unit_name",)


admin.site.register(CampaignLabel)
