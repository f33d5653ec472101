"""`hienmau partitions [--ahead N] [--json]`: the yearly partitions of the donation table on PostgreSQL
(donors/partitions.py). Creates this year's and the next N years' partitions (N = 1), and a partition
for every year that has rows in the DEFAULT partition, moving those rows into it; then lists the
partitions. Run daily by deploy/systemd/hienmau-partitions.timer; on SQLite it says so and does nothing."""

import json

from django.core.management.base import BaseCommand
from django.db import connection

from hienmau.core.clock import today
from hienmau.donors import partitions


class Command(BaseCommand):
    help = (
        "Tạo phân vùng theo năm của bảng lần hiến máu (PostgreSQL): năm nay, các năm tới và năm nào đang "
        "nằm trong phân vùng mặc định. Chạy hằng ngày bằng systemd."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=1, help="Số năm tới cần có sẵn phân vùng (mặc định 1).")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, ahead=1, **options):
        if not partitions.is_partitioned(connection):
            self.stdout.write("Cơ sở dữ liệu này không chia phân vùng (chỉ PostgreSQL): không có gì để làm.")
            return
        created = partitions.ensure_years(connection, partitions.years_due(connection, today(), max(ahead, 0)))
        found = partitions.partitions(connection)
        if options["json"]:
            self.stdout.write(
                json.dumps({"created": created, "partitions": [{"name": p.name, "rows": p.rows} for p in found]})
            )
            return
        for name in created:
            self.stdout.write(f"Đã tạo phân vùng {name}")
        for p in found:
            rows = f"khoảng {p.rows:,} dòng".replace(",", ".") if p.rows >= 0 else "chưa thống kê"
            self.stdout.write(f"{p.name}: {rows}")
