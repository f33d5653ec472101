from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hienmau.core.admin import FoldedSearchMixin
from hienmau.donors.models import BenefitRate, Donation, Donor, EligibilityRuleSet, Household, RevealLog


@admin.register(Donor)
class DonorAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ("full_name", "date_of_birth", "sex", "abo", "rh", "commune", "is_synthetic")
    list_filter = ("sex", "abo", "rh", "is_synthetic")
    search_fields = ("name_folded", "cccd", "phone")
    raw_id_fields = ("commune", "workplace", "household", "merged_into")
    filter_horizontal = ("clubs",)


@admin.register(Donation)
class DonationAdmin(SimpleHistoryAdmin):
    list_display = ("donor", "date", "outcome", "component", "volume_ml", "facility", "certificate_number")
    list_filter = ("outcome", "component")
    raw_id_fields = ("donor", "facility", "mobilised_by")


@admin.register(EligibilityRuleSet)
class EligibilityRuleSetAdmin(SimpleHistoryAdmin):
    list_display = ("effective_from", "citation")


@admin.register(BenefitRate)
class BenefitRateAdmin(SimpleHistoryAdmin):
    list_display = ("effective_from", "component_group", "volume_min_ml", "volume_max_ml", "amount", "citation")


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "donor", "field")
    readonly_fields = ("at", "user", "donor", "field")


admin.site.register(Household, SimpleHistoryAdmin)
