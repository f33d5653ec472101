from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "hienmau.jobs"
    label = "jobs"
    verbose_name = _("Công việc chạy nền")

    def ready(self) -> None:
        from hienmau.jobs import erasure, retention

        erasure.register()
        retention.register()
