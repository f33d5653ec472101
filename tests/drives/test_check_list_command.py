"""`hienmau drive check-list FILE --drive-date YYYY-MM-DD --json`: one JSON object, no database.

pytest-django refuses database access in tests not marked django_db, so these tests also prove that the
command makes no query.
"""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from hienmau.drives.lib.registrant_list import VERDICTS

HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Số điện thoại",
    "Đơn vị",
    "Nhóm máu",
    "Hình thức",
    "Lần hiến gần nhất",
]
TITLE = ["DANH SÁCH TRÍCH NGANG NGƯỜI ĐĂNG KÝ THAM GIA HIẾN MÁU — NGÀY 09/07/2021"]
YOUTH = "Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố"
POLICE = "Công an thành phố"
PEOPLE = [
    # name, date of birth, sex, CCCD, phone, unit, blood group, kind, last donation → expected verdict
    (["Nguyễn Văn An", "12/05/1990", "Nam", "006090012345", "0912345678", YOUTH, "O", "Trực tiếp", ""], "ok"),
    (["", "01/01/1995", "Nữ", "006195012345", "0987111222", YOUTH, "", "Dự bị", ""], "missing_name"),
    (["Đỗ Thị Lan", "31/02/2000", "Nữ", "", "0987111223", YOUTH, "", "", ""], "invalid_date"),
    (["Vũ Văn Hải", "01/01/1990", "Nam", "0060900123", "0987111224", YOUTH, "", "", ""], "cccd_length"),
    (["Hà Thị Mai", "01/03/1992", "Nữ", "006092012345", "0987111225", YOUTH, "", "", ""], "cccd_sex_century"),
    (["Triệu Văn Tùng", "15/08/1988", "Nam", "006089012346", "0987111226", YOUTH, "", "", ""], "cccd_year"),
    (["Nông Thị Hoa", "02/02/1995", "Nữ", "006195012346", "0209 3862 123", POLICE, "", "", ""], "invalid_phone"),
    (["Nguyễn Văn Ân", "13/05/1990", "Nam", "006090012345", "0987111227", POLICE, "", "", ""], "duplicate_line"),
    (["Lý Văn Cường", "10/07/2003", "Nam", "006203012345", "0987111228", POLICE, "", "", ""], "under_18_on_drive_day"),
    (["Ma Văn Dũng", "09/07/1960", "Nam", "006060012345", "0987111229", POLICE, "", "", ""], "over_60_on_drive_day"),
    (
        ["Hoàng Thị Bình", "20/10/1985", "Nữ", "006185012345", "0987111230", POLICE, "A Rh-", "Dự bị", "17/04/2021"],
        "too_soon_since_last_donation",
    ),
]


def write_xlsx(path: Path, people=PEOPLE) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(TITLE)
    sheet.append([])
    sheet.append(HEADER)
    for n, (row, _verdict) in enumerate(people, start=1):
        sheet.append([n, *row])
    book.save(path)
    return path


def run(path: Path, *extra: str, drive_date: str = "2021-07-09") -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("drive", "check-list", str(path), "--drive-date", drive_date, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_lists_every_line_with_its_verdict(tmp_path):
    out, _ = run(write_xlsx(tmp_path / "ds.xlsx"), "--json")
    result = json.loads(out)
    assert list(result) == ["lines"]
    lines = result["lines"]
    assert [line["line"] for line in lines] == list(range(1, len(PEOPLE) + 1))
    assert [line["verdict"] for line in lines] == [verdict for _row, verdict in PEOPLE]
    for line, (row, verdict) in zip(lines, PEOPLE):
        assert list(line) == ["line", "name", "verdict", "messages"]
        assert line["name"] == row[0]
        assert line["verdict"] in VERDICTS
        assert (line["messages"] == []) == (verdict == "ok")
    assert "với dòng 1" in lines[7]["messages"][0]
    assert "10/07/2021" in lines[10]["messages"][0]


def test_json_is_one_unescaped_line(tmp_path):
    out, _ = run(write_xlsx(tmp_path / "ds.xlsx"), "--json")
    assert out.strip().count("\n") == 0
    assert "\\u" not in out and "Nguyễn Văn An" in out


def test_priority_and_all_messages_in_the_json(tmp_path):
    people = [(["Lý Văn Cường", "10/07/2003", "Nam", "006203012345", "0987", POLICE, "", "", ""], "invalid_phone")]
    out, _ = run(write_xlsx(tmp_path / "ds.xlsx", people), "--json")
    [line] = json.loads(out)["lines"]
    assert line["verdict"] == "invalid_phone"
    assert len(line["messages"]) == 2 and "Chưa đủ 18 tuổi" in line["messages"][1]


def test_csv_and_pasted_text_files(tmp_path):
    rows = [TITLE, HEADER, *[[str(n), *row] for n, (row, _v) in enumerate(PEOPLE[:3], start=1)]]
    csv_path = tmp_path / "ds.csv"
    csv_path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in rows), encoding="utf-8")
    txt_path = tmp_path / "dan.txt"
    txt_path.write_text("\n".join("\t".join(row) for row in rows), encoding="utf-8")
    for path in (csv_path, txt_path):
        out, _ = run(path, "--json")
        assert [line["verdict"] for line in json.loads(out)["lines"]] == ["ok", "missing_name", "invalid_date"]


def test_excel_dates_as_serial_numbers_and_as_text(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([1, "Nguyễn Văn An", 33005, "Nam", "006090012345", "0912345678", YOUTH])
    sheet.append([2, "Hoàng Thị Bình", "31340", "Nữ", "006185012345", "0987111230", POLICE])
    sheet.append([3, "Lý Văn Cường", datetime.datetime(2003, 7, 9), "Nam", "006203012345", "0987111228", POLICE])
    path = tmp_path / "so.xlsx"
    book.save(path)
    out, _ = run(path, "--json")
    assert [line["verdict"] for line in json.loads(out)["lines"]] == ["ok", "ok", "ok"]


def test_readable_summary_in_vietnamese(tmp_path):
    out, _ = run(write_xlsx(tmp_path / "ds.xlsx"))
    assert out.startswith("Danh sách ds.xlsx, ngày hiến máu 09/07/2021: 11 dòng (dòng tiêu đề là dòng 3 của tệp).")
    assert "Hiến trực tiếp: 9, dự bị: 2." in out
    assert "Hợp lệ (ok): 1" in out and "Trùng với dòng trước (duplicate_line): 1" in out
    assert "Dòng 8 (dòng 11 của tệp) — Nguyễn Văn Ân: Trùng với dòng trước" in out
    assert "Dòng 2 (dòng 5 của tệp) — (chưa có họ tên): Thiếu họ tên" in out
    assert "Dòng 1 " not in out  # the ok line is not listed


def test_nothing_is_saved_and_no_database_is_needed(tmp_path):
    # Not marked django_db: any query would raise here.
    path = write_xlsx(tmp_path / "ds.xlsx")
    before = path.read_bytes()
    run(path, "--json")
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "make, drive_date, says",
    [
        (lambda tmp: tmp / "khong-co.xlsx", "2021-07-09", "Không tìm thấy tệp"),
        (lambda tmp: write_xlsx(tmp / "ds.xlsx"), "09/07/2021", "dạng YYYY-MM-DD"),
        (lambda tmp: write_xlsx(tmp / "ds.xlsx"), "2021-02-30", "không phải ngày có thật"),
        (lambda tmp: write_xlsx(tmp / "ds.xlsx"), "2001-01-01", "Không có quy định"),
    ],
)
def test_bad_arguments(tmp_path, make, drive_date, says):
    with pytest.raises(CommandError, match=says):
        run(make(tmp_path), "--json", drive_date=drive_date)


def test_unreadable_file(tmp_path):
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="Không kiểm tra được danh sách hong.xlsx"):
        run(broken, "--json")
    word = tmp_path / "ds.docx"
    word.write_bytes(b"x")
    with pytest.raises(CommandError, match="chỉ nhận .xlsx, .xls, .ods, .csv"):
        run(word)
    with pytest.raises(CommandError, match="không phải một tệp"):
        run(tmp_path)


@pytest.mark.parametrize(
    "header, missing",
    [
        (["STT", "Ngày sinh", "Số CCCD"], "thiếu cột “Họ và tên”"),
        (["STT", "Họ và tên", "Số điện thoại"], "thiếu cột “Ngày sinh”"),
        (["STT", "Số CCCD", "Số điện thoại"], "thiếu các cột “Họ và tên” và “Ngày sinh”"),
    ],
)
def test_missing_columns(tmp_path, header, missing):
    path = tmp_path / "thieu.csv"
    path.write_text("\n".join([",".join(header), "1,a,b"]), encoding="utf-8")
    with pytest.raises(CommandError, match=missing):
        run(path, "--json")


def test_console_script_exit_status_without_a_database(tmp_path):
    """The real `hienmau` entry point, with a database URL nobody listens on."""
    path = write_xlsx(tmp_path / "ds.xlsx")
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/none",
        "HIENMAU_SECRET_KEY": "tests-only-not-a-secret",
        "DJANGO_SETTINGS_MODULE": "hienmau.settings",
    }
    script = [sys.executable, "-c", "from hienmau.cli import main; main()", "drive", "check-list"]
    done = subprocess.run(
        [*script, str(path), "--drive-date", "2021-07-09", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["lines"]) == len(PEOPLE)
    failed = subprocess.run(
        [*script, str(tmp_path / "khong-co.csv"), "--drive-date", "2021-07-09", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert failed.returncode != 0 and "Không tìm thấy tệp" in failed.stderr and failed.stdout == ""
