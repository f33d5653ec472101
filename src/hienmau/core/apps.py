from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hienmau.core"
    label = "core"
    verbose_name = "Core"
