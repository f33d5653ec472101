from django.contrib import admin

from hienmau.standby.models import Call, Club, ClubMember, EmergencyRequest


class ClubMemberInline(admin.TabularInline):
    model = ClubMember
    raw_id_fields = ("donor",)
    extra = 0


@admin.register(Club)
class ClubAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "unit", "chair")
    list_filter = ("kind",)
    raw_id_fields = ("unit", "chair")
    inlines = [ClubMemberInline]


class CallInline(admin.TabularInline):
    model = Call
    raw_id_fields = ("donor",)
    extra = 0


@admin.register(EmergencyRequest)
class EmergencyRequestAdmin(admin.ModelAdmin):
    list_display = ("facility", "abo", "rh", "component", "units", "status", "created_at")
    list_filter = ("status", "component")
    raw_id_fields = ("facility", "office", "created_by")
    inlines = [CallInline]
