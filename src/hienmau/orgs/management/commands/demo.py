from django.core.management.base import BaseCommand

from hienmau.orgs.demo import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (đơn vị trong các văn bản mẫu, tài khoản mỗi vai trò). Chạy lại không tạo trùng."

    def handle(self, *args, **options):
        results, users = load_demo()
        for result in results:
            self.stdout.write(result.summary())
        self.stdout.write("")
        self.stdout.write("Tài khoản mẫu (tên đăng nhập / mật khẩu — vai trò, đơn vị):")
        for demo in users:
            where = demo.unit_code or demo.unit_name
            self.stdout.write(f"  {demo.username:<14} / {demo.password:<14} — {demo.role}, {where}")
