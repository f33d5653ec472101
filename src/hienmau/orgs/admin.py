from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hienmau.core.admin import FoldedSearchMixin
from hienmau.orgs.models import Membership, SuccessorLink, Unit


@admin.register(Unit)
class UnitAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "category", "parent", "valid_from", "valid_until")
    list_filter = ("kind", "category")
    search_fields = ("name_folded", "code")
    raw_id_fields = ("parent",)


@admin.register(SuccessorLink)
class SuccessorLinkAdmin(SimpleHistoryAdmin):
    list_display = ("predecessor", "successor", "share", "effective_date", "status", "deciding_unit")
    list_filter = ("status",)
    raw_id_fields = ("predecessor", "successor", "deciding_unit")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role",)
    raw_id_fields = ("unit",)
