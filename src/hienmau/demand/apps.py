from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hienmau.demand"
    label = "demand"
    verbose_name = _("Nhu cầu máu của cơ sở tiếp nhận")
