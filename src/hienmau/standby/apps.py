from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandbyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hienmau.standby"
    verbose_name = _("Hiến máu dự bị và cần máu gấp")

    def ready(self) -> None:
        from hienmau.standby import background, erasure

        background.register()
        erasure.register()
