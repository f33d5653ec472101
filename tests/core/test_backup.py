"""`hienmau backup` / `hienmau restore`: a round trip on the suite's own database engine compares every
table and every file; a wrong file, another engine's backup or a non-empty target is refused in
Vietnamese and leaves the target as it was."""

import datetime
import io
import json
import sqlite3
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hienmau.core import backup as bk
from hienmau.core.clock import today
from hienmau.donors.models import Donation, Donor
from hienmau.orgs.models import Role
from tests.factories import UnitFactory, member


def write_var(var: Path) -> dict[str, bytes]:
    files = {
        "imports/1f2e/danh-sách.xlsx": b"PK\x03\x04 not really a workbook",
        "outbox/2026-12-05.txt": "Xin chào Nguyễn Văn An".encode(),
        "media/chứng nhận/a.pdf": bytes(range(256)) * 10,
    }
    for name, body in files.items():
        path = var / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return files


def read_var(var: Path) -> dict[str, bytes]:
    return {
        p.relative_to(var).as_posix(): p.read_bytes()
        for p in var.rglob("*")
        if p.is_file() and not p.name.endswith(bk.SQLITE_SUFFIXES)
    }


def source_rows() -> dict[str, list[tuple]]:
    """Every table of the suite's database, read raw (as the restored copy is read)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return target_rows(current_target(), tables)


def target_rows(target: bk.Target, tables) -> dict[str, list[tuple]]:
    if target.engine == "sqlite":
        con = sqlite3.connect(target.name)
    else:
        con = psycopg.connect(dbname=target.name, user=target.user, host=target.host, port=target.port or None)
    try:
        rows = {}
        for table in tables:
            rows[table] = sorted(map(tuple, con.execute(f'SELECT * FROM "{table}"').fetchall()), key=repr)
        return rows
    finally:
        con.close()


def pg_admin():
    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the suite's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield bk.Target("sqlite", str(tmp_path / "restored" / "hienmau.sqlite3"))
        return
    name = f"test_restore_{uuid.uuid4().hex[:12]}"
    with pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    try:
        yield bk.Target("postgresql", name, db["USER"], db["PASSWORD"], str(db["HOST"]), str(db["PORT"]))
    finally:
        with pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def current_target() -> bk.Target:
    return bk.Target.from_settings(connection.settings_dict)


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_table_and_file(tmp_path, empty_target):
    unit = UnitFactory(name="Hội Chữ thập đỏ tỉnh Hưng Yên")
    member("can-bo", unit, Role.OFFICER)
    donor = Donor.objects.create(full_name="Nguyễn Văn Đức", date_of_birth=datetime.date(1990, 5, 12), sex="M")
    for day in (today(), datetime.date(1999, 7, 1)):  # a year's partition and, on PostgreSQL, the DEFAULT one
        Donation.objects.create(donor=donor, date=day, volume_ml=350, certificate_number=f"HM-{day:%Y}-000001")
    var = tmp_path / "var"
    files = write_var(var)
    archive = tmp_path / "out" / "backup.tar"

    manifest = bk.backup(current_target(), var, archive)
    restored_var = tmp_path / "restored"
    bk.restore(archive, empty_target, restored_var)

    assert manifest["engine"] == empty_target.engine
    expected = source_rows()
    assert len(expected) > 40 and expected["orgs_unit"] and expected["auth_user"]
    assert len(expected["donors_donation"]) == 2
    assert target_rows(empty_target, expected) == expected
    if empty_target.engine == "postgresql":  # restored partitioned, as it was
        with psycopg.connect(
            dbname=empty_target.name, user=empty_target.user, host=empty_target.host, port=empty_target.port or None
        ) as con:
            kind = con.execute("SELECT relkind FROM pg_class WHERE relname = 'donors_donation'").fetchone()
        assert kind == ("p",)
    assert read_var(restored_var) == files


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_non_empty_target_unless_forced(tmp_path, empty_target):
    UnitFactory(name="Đơn vị trong bản sao lưu")
    archive = tmp_path / "backup.tar"
    bk.backup(current_target(), tmp_path / "var", archive)
    bk.restore(archive, empty_target, tmp_path / "restored")
    UnitFactory(name="Đơn vị thêm sau")
    bk.backup(current_target(), tmp_path / "var", tmp_path / "later.tar")

    with pytest.raises(bk.BackupError, match="đã có .* bảng.*--force"):
        bk.restore(tmp_path / "later.tar", empty_target, tmp_path / "restored")
    tables = ["orgs_unit"]
    assert len(target_rows(empty_target, tables)["orgs_unit"]) == 1

    bk.restore(tmp_path / "later.tar", empty_target, tmp_path / "restored", force=True)
    assert target_rows(empty_target, tables) == {t: r for t, r in source_rows().items() if t in tables}
    assert len(target_rows(empty_target, tables)["orgs_unit"]) == 2


# Refusals: checked on small SQLite files, no Django database needed.


@pytest.fixture
def sqlite_source(tmp_path):
    path = tmp_path / "source.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE donor (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO donor (name) VALUES ('Trần Thị Bình')")
    con.commit()
    con.close()
    var = tmp_path / "var"
    write_var(var)
    archive = tmp_path / "backup.tar"
    bk.backup(bk.Target("sqlite", str(path)), var, archive)
    return archive


def occupied(tmp_path) -> bk.Target:
    path = tmp_path / "occupied" / "hienmau.sqlite3"
    path.parent.mkdir()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE existing (id INTEGER PRIMARY KEY)")
    con.execute("INSERT INTO existing VALUES (7)")
    con.commit()
    con.close()
    return bk.Target("sqlite", str(path))


def tables_of(target: bk.Target) -> list:
    con = sqlite3.connect(target.name)
    try:
        return con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    finally:
        con.close()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    junk = tmp_path / "ghi-chu.tar"
    junk.write_text("không phải bản sao lưu")
    with pytest.raises(bk.BackupError, match="ghi-chu.tar không phải bản sao lưu của hienmau"):
        bk.restore(junk, bk.Target("sqlite", str(tmp_path / "t.sqlite3")), tmp_path / "var")
    other = tmp_path / "khac.tar"
    with tarfile.open(other, "w") as archive:
        archive.add(junk, arcname="readme.txt")
    with pytest.raises(bk.BackupError, match="thiếu hoặc hỏng tệp mô tả"):
        bk.restore(other, bk.Target("sqlite", str(tmp_path / "t.sqlite3")), tmp_path / "var")
    assert not (tmp_path / "t.sqlite3").exists()


def test_a_backup_from_the_other_engine_is_refused(tmp_path, sqlite_source):
    target = bk.Target("postgresql", "hienmau_khong_ton_tai")
    with pytest.raises(bk.BackupError, match="lấy từ SQLite, không khôi phục được vào PostgreSQL"):
        bk.restore(sqlite_source, target, tmp_path / "var2")


def test_a_damaged_backup_changes_nothing(tmp_path, sqlite_source):
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(sqlite_source) as src, tarfile.open(damaged, "w") as dst:
        for member_info in src.getmembers():
            body = src.extractfile(member_info).read()
            if member_info.name.startswith(bk.VAR_PREFIX + "outbox"):
                body = b"altered"
                member_info.size = len(body)
            dst.addfile(member_info, io.BytesIO(body))
    target = occupied(tmp_path)
    before = tables_of(target)
    with pytest.raises(bk.BackupError, match="bị hỏng: tệp var/outbox/2026-12-05.txt không đúng mã kiểm tra"):
        bk.restore(damaged, target, tmp_path / "occupied", force=True)
    assert tables_of(target) == before == [("existing",)]
    assert [p.name for p in (tmp_path / "occupied").iterdir()] == ["hienmau.sqlite3"]


def test_a_non_empty_var_directory_is_refused_unless_forced(tmp_path, sqlite_source):
    target = bk.Target("sqlite", str(tmp_path / "fresh" / "hienmau.sqlite3"))
    (tmp_path / "fresh").mkdir()
    (tmp_path / "fresh" / "cu.txt").write_text("tệp cũ")
    with pytest.raises(bk.BackupError, match="đã có 1 tệp"):
        bk.restore(sqlite_source, target, tmp_path / "fresh")
    assert not Path(target.name).exists()

    bk.restore(sqlite_source, target, tmp_path / "fresh", force=True)
    assert read_var(tmp_path / "fresh") == write_var(tmp_path / "expected")
    con = sqlite3.connect(target.name)
    assert con.execute("SELECT name FROM donor").fetchall() == [("Trần Thị Bình",)]
    con.close()


def test_a_newer_format_version_is_refused(tmp_path, sqlite_source):
    newer = tmp_path / "newer.tar"
    with tarfile.open(sqlite_source) as src, tarfile.open(newer, "w") as dst:
        for member_info in src.getmembers():
            body = src.extractfile(member_info).read()
            if member_info.name == bk.MANIFEST:
                body = json.dumps(json.loads(body) | {"version": 99}).encode()
                member_info.size = len(body)
            dst.addfile(member_info, io.BytesIO(body))
    with pytest.raises(bk.BackupError, match="phiên bản định dạng 99"):
        bk.restore(newer, bk.Target("sqlite", str(tmp_path / "t.sqlite3")), tmp_path / "var2")


def test_the_commands_speak_vietnamese(tmp_path, settings, sqlite_source):
    settings.VAR_DIR = tmp_path / "var"
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"\x00" * 10)
    with pytest.raises(CommandError, match="không phải bản sao lưu của hienmau"):
        call_command("restore", str(junk), skip_checks=True)


@pytest.mark.django_db
def test_backup_command_names_the_file(tmp_path, settings, monkeypatch):
    settings.VAR_DIR = tmp_path / "var"
    out = io.StringIO()
    monkeypatch.chdir(tmp_path)
    stamp = datetime.date.today().strftime("%Y%m%d")
    call_command("backup", stdout=out, skip_checks=True)
    written = list(tmp_path.glob(f"hienmau-backup-{stamp}-*.tar"))
    assert len(written) == 1 and f"vào {written[0].name}" in out.getvalue()
    assert bk.read_manifest(written[0])["engine"] == current_target().engine
