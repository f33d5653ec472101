from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hienmau.honours"
    verbose_name = _("Tôn vinh, khen thưởng")

    def ready(self) -> None:
        from hienmau.honours import background, erasure, panels, receivers

        background.register()
        erasure.register()
        receivers.connect()
        panels.register()
