from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "hienmau.results"
    label = "results"
    verbose_name = _("Kết quả hiến máu")

    def ready(self) -> None:
        from hienmau.results import background, receivers  # noqa: F401 (receivers connects the drives' signals)

        background.register()
