from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "hienmau.reports"
    label = "reports"
    verbose_name = _("Báo cáo kết quả")

    def ready(self) -> None:
        # Plans sit below reports: drafting next year's plan reads what this app counts through this hook.
        from hienmau.plans import drafting
        from hienmau.reports import background, services

        drafting.set_results_source(services.results_by_allocation)
        background.register()
