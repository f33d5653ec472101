from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hienmau.outreach"
    verbose_name = _("Tuyên truyền, tình nguyện viên và kinh phí")

    def ready(self) -> None:
        from hienmau.outreach import erasure, panels

        erasure.register()
        panels.register()
