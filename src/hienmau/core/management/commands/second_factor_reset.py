from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hienmau.core import second_factor


class Command(BaseCommand):
    help = (
        "Đặt lại xác thực hai bước của một tài khoản (mất điện thoại) khi không còn quản trị viên nào làm được "
        "trên trang: xoá thiết bị, ghi nhật ký; lần đăng nhập tới người dùng đăng ký lại."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tên đăng nhập cần đặt lại.")
        parser.add_argument("--by", default="", help="Tên đăng nhập của người thực hiện (ghi vào nhật ký).")

    def handle(self, *args, **options):
        users = get_user_model().objects
        target = users.filter(username=options["username"]).first()
        if target is None:
            raise CommandError(f"Không có tài khoản “{options['username']}”.")
        actor = users.filter(username=options["by"]).first() if options["by"] else target
        if actor is None:
            raise CommandError(f"Không có tài khoản “{options['by']}”.")
        count = second_factor.reset(actor, target)
        self.stdout.write(f"Đã đặt lại xác thực hai bước của {target.username} (xoá {count} thiết bị).")
