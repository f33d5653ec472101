from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu từ các văn bản mẫu (đơn vị, tài khoản, kế hoạch…). Chạy lại không tạo trùng."

    def handle(self, *args, **options):
        # Each app that has demo data exposes demo.load_demo(write); apps load in INSTALLED_APPS order,
        # which is also the order data flows (units before plans before drives).
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("hienmau."):
                    continue
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.load_demo(self.stdout.write)
