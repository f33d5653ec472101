from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "hienmau.plans"
    label = "plans"
    verbose_name = _("Kế hoạch và chỉ tiêu")

    def ready(self) -> None:
        from hienmau.plans import background

        background.register()
