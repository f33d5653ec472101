from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hienmau.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from hienmau.core.erasure import register_eraser
        from hienmau.core.uploads import erase_uploads

        register_eraser(erase_uploads)
