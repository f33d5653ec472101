from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "hienmau.notify"
    label = "notify"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from hienmau.notify import erasure, retention

        erasure.register()
        retention.register()
