from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hienmau.demand.models import Need


@admin.register(Need)
class NeedAdmin(SimpleHistoryAdmin):
    list_display = ("facility", "month", "blood_group", "units", "updated_at")
    list_filter = ("month",)
    search_fields = ("facility__name",)
    raw_id_fields = ("facility",)
