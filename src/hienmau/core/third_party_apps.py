"""Third-party apps under the project's Vietnamese names, which the admin shows: INSTALLED_APPS lists these
configs instead of the apps' own. Their models' English names are translated in locale/vi (tests/test_model_names.py)."""

import axes.apps
import django_otp.plugins.otp_static.apps as otp_static
import django_otp.plugins.otp_totp.apps as otp_totp
import django_tasks_db.apps
from django.utils.translation import gettext_lazy as _


class AxesConfig(axes.apps.AppConfig):
    verbose_name = _("Đăng nhập sai và khoá tài khoản")


class TotpConfig(otp_totp.DefaultConfig):
    verbose_name = _("Xác thực hai bước")


class RecoveryCodesConfig(otp_static.DefaultConfig):
    verbose_name = _("Mã dự phòng")


class TasksDatabaseConfig(django_tasks_db.apps.TasksAppConfig):
    verbose_name = _("Việc chạy nền")  # type: ignore[assignment]  # the app declares str; Django takes a lazy one
