"""`hienmau notify send-due` (deliver what is due: run it every minute from cron or a timer),
`hienmau notify opt-out CHANNEL ADDRESS`, `hienmau notify opt-in CHANNEL ADDRESS` and
`hienmau notify fake-gateway [--port N]` (a local SMS/Zalo stand-in for trying the system out)."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hienmau.notify.fakegateway import FakeGateway
from hienmau.notify.models import Channel
from hienmau.notify.services import opt_in, opt_out, send_due


class Command(BaseCommand):
    help = "Thông báo: gửi các tin đến hạn, ghi nhận từ chối nhận tin (notify send-due | opt-out | opt-in)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("send-due", help="Gửi các tin đã đến hạn (tin khẩn cấp trước), gửi lại tin lỗi.")
        due.add_argument("--json", action="store_true", help="In số tin theo kết quả dạng JSON.")
        for name, text in (("opt-out", "Ngừng gửi tin đến một địa chỉ."), ("opt-in", "Gửi tin lại đến một địa chỉ.")):
            action = sub.add_parser(name, help=text)
            action.add_argument("channel", help="sms, email hoặc zalo.")
            action.add_argument("address", help="Số điện thoại, địa chỉ thư hoặc mã người dùng Zalo.")
            action.add_argument("--reason", default="", help="Lý do (không bắt buộc).")
        fake = sub.add_parser("fake-gateway", help="Chạy cổng SMS/Zalo giả trên máy này để thử hệ thống.")
        fake.add_argument("--port", type=int, default=8025)
        fake.add_argument("--journal", help="Ghi các tin nhận được vào tệp này (mỗi dòng một tin JSON).")

    def handle(self, *args, action, **options):
        if action == "send-due":
            counts = send_due()
            if options["json"]:
                self.stdout.write(json.dumps(counts))
            else:
                self.stdout.write(
                    f"Đã gửi {counts['sent']} tin; {counts['retrying']} tin lỗi sẽ gửi lại; "
                    f"{counts['failed']} tin không gửi được; {counts['opted_out']} tin người nhận đã từ chối."
                )
            return
        if action == "fake-gateway":
            journal = Path(options["journal"]) if options["journal"] else None
            gateway = FakeGateway(port=options["port"], journal=journal).start()
            self.stdout.write(
                f"Cổng SMS giả: HIENMAU_SMS_URL={gateway.url} ; Zalo: HIENMAU_ZALO_URL={gateway.zalo_url}"
            )
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                gateway.stop()
            return
        channel = options["channel"].strip().lower()
        if channel not in Channel.values:
            raise CommandError(f"Kênh “{options['channel']}” không hợp lệ: dùng sms, email hoặc zalo.")
        if action == "opt-out":
            entry = opt_out(channel, options["address"], options["reason"])
            self.stdout.write(f"Đã ngừng gửi tin {entry.get_channel_display()} đến {entry.recipient}.")
        else:
            opt_in(channel, options["address"])
            self.stdout.write(f"Sẽ gửi tin lại đến {options['address']}.")
