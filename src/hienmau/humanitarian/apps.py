from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HumanitarianConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hienmau.humanitarian"
    verbose_name = _("Địa chỉ nhân đạo")

    def ready(self) -> None:
        from hienmau.humanitarian import privacy

        privacy.register()
