from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hienmau.core.admin import FoldedSearchMixin, MaskedHistoryMixin
from hienmau.donors.models import BenefitRate, Donation, Donor, EligibilityRuleSet, Household, RevealLog
from hienmau.donors.privacy import REVEALABLE, masked


@admin.register(Donor)
class DonorAdmin(MaskedHistoryMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    """CCCD and phone are masked here too: they are seen in full only through the logged reveal on the
    donor's page, and changed there (the admin form leaves them out)."""

    list_display = ("full_name", "date_of_birth", "sex", "abo", "rh", "commune", "is_synthetic")
    list_filter = ("sex", "abo", "rh", "is_synthetic")
    search_fields = ("name_folded", "cccd", "phone")
    raw_id_fields = ("commune", "workplace", "household", "merged_into")
    filter_horizontal = ("clubs",)
    exclude = REVEALABLE
    readonly_fields = ("masked_cccd", "masked_phone")

    @admin.display(description=_("số CCCD"))
    def masked_cccd(self, obj) -> str:
        return masked("cccd", obj.cccd) or "—"

    @admin.display(description=_("số điện thoại"))
    def masked_phone(self, obj) -> str:
        return masked("phone", obj.phone) or "—"


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
    """An access record: read here, never added, changed or deleted."""

    list_display = ("at", "user", "donor", "field", "reason")
    readonly_fields = ("at", "user", "donor", "field", "reason")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(Household, SimpleHistoryAdmin)
