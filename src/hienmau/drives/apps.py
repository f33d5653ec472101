from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrivesConfig(AppConfig):
    name = "hienmau.drives"
    label = "drives"
    verbose_name = _("Đợt hiến máu")

    def ready(self) -> None:
        from hienmau.drives import erasure

        erasure.register()
