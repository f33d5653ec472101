from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hienmau.core"
    label = "core"
    verbose_name = _("Dùng chung")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from hienmau.core import retention
        from hienmau.core.erasure import register_eraser
        from hienmau.core.ratelimit import login_failed
        from hienmau.core.uploads import erase_uploads

        register_eraser(erase_uploads)
        retention.register()
        user_login_failed.connect(login_failed, dispatch_uid="hienmau.core.ratelimit.login_failed")
