from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    name = "hienmau.donors"
    label = "donors"
    verbose_name = _("Người hiến máu")

    def ready(self) -> None:
        from hienmau.donors import background, privacy, registry

        background.register()
        privacy.register()
        registry.register()
