"""`hienmau backup` / `hienmau restore`: one archive holding the database and the files under var/.

The archive is a tar file:
- manifest.json: format marker, version, engine, creation time and a SHA-256 for every other member;
- database.sqlite3 (SQLite's online backup API, consistent while the site runs) or database.dump
  (pg_dump's custom format, taken in one snapshot);
- var/...: the uploaded and generated files (pending imports, outbox, extra links, media), without the
  SQLite database files themselves.

Restore checks everything before it touches anything: the manifest, every checksum, the engine, that
the dump reads back, and that the target is empty unless forced. The database is then replaced in one
transaction (SQLite's backup API copies the whole file at once; PostgreSQL's script runs in one psql
transaction with ON_ERROR_STOP), and only then are the files moved into place.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

FORMAT = "hienmau-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.dump"
VAR_PREFIX = "var/"
SQLITE_SUFFIXES = (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".sqlite3-journal")


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the person at the terminal."""


@dataclass(frozen=True)
class Target:
    """The database a backup reads or a restore writes: the engine and its connection fields."""

    engine: str  # "sqlite" or "postgresql"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, db: dict) -> "Target":
        engine = db["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(db["NAME"]))
        if "postgresql" in engine:
            return cls(
                "postgresql",
                str(db["NAME"]),
                db.get("USER") or "",
                db.get("PASSWORD") or "",
                str(db.get("HOST") or ""),
                str(db.get("PORT") or ""),
            )
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại {engine}.")

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in (
            ("PGDATABASE", self.name),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGHOST", self.host),
            ("PGPORT", self.port),
        ):
            if value:
                env[key] = value
        return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _var_files(var_dir: Path, skip: set[Path]) -> list[Path]:
    if not var_dir.is_dir():
        return []
    found = []
    for path in sorted(var_dir.rglob("*")):
        if not path.is_file() or path.resolve() in skip or path.name.endswith(SQLITE_SUFFIXES):
            continue
        if any(part.startswith(".restore-") for part in path.relative_to(var_dir).parts):
            continue
        found.append(path)
    return found


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"Không tìm thấy chương trình {name} (gói postgresql-client). Chạy scripts/ensure-system-packages để cài."
        )
    return path


def _run(args: list[str], env: dict[str, str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, capture_output=True, **kwargs)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"{what} không thành công: {detail[-1] if detail else result.returncode}")
    return result


def _server_major(target: Target) -> int:
    out = _run([_tool("psql"), "-XAtc", "SHOW server_version_num"], target.pg_env(), "Kết nối PostgreSQL")
    return int(out.stdout.decode().strip()) // 10000


def _client_major(tool: str) -> int:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1].split(".")[0])


def _check_pg_tools(target: Target) -> None:
    server = _server_major(target)
    for name in ("pg_dump", "pg_restore"):
        client = _client_major(_tool(name))
        if client < server:
            raise BackupError(
                f"{name} phiên bản {client} cũ hơn máy chủ PostgreSQL {server}: "
                f"cài postgresql-client-{server} (scripts/ensure-system-packages)."
            )


def backup(target: Target, var_dir: Path, output: Path, sqlite_source: sqlite3.Connection | None = None) -> dict:
    """Write the archive to `output` (through a temporary file, renamed at the end); returns the manifest.

    `sqlite_source` is an open connection to copy from (the running process's own, e.g. in tests);
    otherwise the SQLite file named by the target is opened read-only.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".hienmau-backup-") as work:
        work_dir = Path(work)
        if target.engine == "sqlite":
            db_member = SQLITE_MEMBER
            db_file = work_dir / db_member
            _sqlite_copy_out(target, sqlite_source, db_file)
        else:
            _check_pg_tools(target)
            db_member = PG_MEMBER
            db_file = work_dir / db_member
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(db_file)],
                target.pg_env(),
                "pg_dump",
            )
        skip = {output}
        if target.engine == "sqlite":
            skip.add(Path(target.name).resolve())
        files = _var_files(var_dir, skip)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "engine": target.engine,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": db_member,
            "files": {db_member: _sha256(db_file)}
            | {VAR_PREFIX + p.relative_to(var_dir).as_posix(): _sha256(p) for p in files},
        }
        partial = work_dir / "archive.tar"
        with tarfile.open(partial, "w") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            archive.add(db_file, arcname=db_member)
            for path in files:
                archive.add(path, arcname=VAR_PREFIX + path.relative_to(var_dir).as_posix())
        os.replace(partial, output)
    return manifest


def _sqlite_copy_out(target: Target, source: sqlite3.Connection | None, dest_path: Path) -> None:
    dest = sqlite3.connect(dest_path)
    try:
        if source is not None:
            source.backup(dest)
        else:
            if not Path(target.name).is_file():
                raise BackupError(f"Không tìm thấy tệp cơ sở dữ liệu {target.name}.")
            src = sqlite3.connect(f"file:{target.name}?mode=ro", uri=True)
            try:
                src.backup(dest)
            finally:
                src.close()
    finally:
        dest.close()


def read_manifest(archive_path: Path) -> dict:
    """The archive's manifest, or BackupError naming what is wrong with the file."""
    wrong = f"Tệp {archive_path.name} không phải bản sao lưu của hienmau"
    if not archive_path.is_file():
        raise BackupError(f"Không tìm thấy tệp {archive_path}.")
    if not tarfile.is_tarfile(archive_path):
        raise BackupError(f"{wrong} (không đọc được như một tệp lưu trữ tar).")
    try:
        with tarfile.open(archive_path) as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except (KeyError, tarfile.TarError, ValueError, OSError):
        raise BackupError(f"{wrong} (thiếu hoặc hỏng tệp mô tả {MANIFEST}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{wrong} (tệp mô tả không đúng định dạng).")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"Bản sao lưu {archive_path.name} có phiên bản định dạng {manifest.get('version')}, "
            f"phiên bản này của hienmau chỉ đọc được phiên bản {VERSION}."
        )
    return manifest


def _target_tables(target: Target) -> list[str]:
    if target.engine == "sqlite":
        if not Path(target.name).is_file():
            return []
        con = sqlite3.connect(f"file:{target.name}?mode=ro", uri=True)
        try:
            rows = con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        finally:
            con.close()
        return [row[0] for row in rows]
    out = _run(
        [_tool("psql"), "-XAtc", "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"],
        target.pg_env(),
        "Kết nối PostgreSQL",
    )
    return out.stdout.decode().split()


ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def restore(archive_path: Path, target: Target, var_dir: Path, *, force: bool = False) -> dict:
    """Restore the archive into `target` and `var_dir`; refuses a wrong file or a non-empty target unless
    `force`. Nothing is changed unless every check passes; the database is replaced in one transaction."""
    manifest = read_manifest(archive_path)
    engine = str(manifest.get("engine"))
    if engine != target.engine:
        raise BackupError(
            f"Bản sao lưu này lấy từ {ENGINE_NAMES.get(engine, engine)}, không khôi phục được vào "
            f"{ENGINE_NAMES[target.engine]}. Hãy khôi phục vào cùng loại cơ sở dữ liệu."
        )
    if target.engine == "postgresql":
        _check_pg_tools(target)
    if not force:
        tables = _target_tables(target)
        if tables:
            raise BackupError(
                f"Cơ sở dữ liệu đích {target.name} đã có {len(tables)} bảng. Chỉ khôi phục vào cơ sở dữ liệu "
                "trống; thêm --force để xoá toàn bộ dữ liệu hiện có và thay bằng bản sao lưu."
            )
        existing = _var_files(var_dir, {Path(target.name).resolve()} if target.engine == "sqlite" else set())
        if existing:
            raise BackupError(
                f"Thư mục {var_dir} đã có {len(existing)} tệp. Thêm --force để thay bằng các tệp trong bản sao lưu."
            )
    var_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=var_dir, prefix=".restore-"))
    try:
        _extract_checked(archive_path, manifest, staging)
        db_file = staging / manifest["database"]
        if target.engine == "sqlite":
            _sqlite_restore(db_file, target)
        else:
            _pg_restore(db_file, target)
        _swap_files(staging / "var", var_dir, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _extract_checked(archive_path: Path, manifest: dict, staging: Path) -> None:
    expected: dict[str, str] = manifest.get("files") or {}
    if manifest.get("database") not in expected:
        raise BackupError(f"Bản sao lưu {archive_path.name} không có dữ liệu cơ sở dữ liệu.")
    try:
        with tarfile.open(archive_path) as archive:
            names = {m.name for m in archive.getmembers() if m.isfile()} - {MANIFEST}
            missing = sorted(set(expected) - names)
            extra = sorted(names - set(expected))
            if missing or extra:
                raise BackupError(
                    f"Bản sao lưu {archive_path.name} không khớp tệp mô tả "
                    f"(thiếu {len(missing)}, thừa {len(extra)} tệp, ví dụ {(missing + extra)[0]})."
                )
            archive.extractall(staging, members=[archive.getmember(n) for n in expected], filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"Bản sao lưu {archive_path.name} bị hỏng: {exc}") from None
    for name, digest in expected.items():
        if _sha256(staging / name) != digest:
            raise BackupError(f"Bản sao lưu {archive_path.name} bị hỏng: tệp {name} không đúng mã kiểm tra.")


def _sqlite_restore(db_file: Path, target: Target) -> None:
    src = sqlite3.connect(db_file)
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng (kiểm tra toàn vẹn SQLite không đạt).")
        Path(target.name).parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(target.name, timeout=20)
        try:
            # The whole destination is replaced in one step: readers see the old or the new database.
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def _pg_restore(dump: Path, target: Target) -> None:
    env = target.pg_env()
    script = _run(
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", "-", str(dump)],
        env,
        "Đọc bản sao lưu PostgreSQL (pg_restore)",
    ).stdout
    # One transaction: the public schema is emptied and rebuilt, or nothing changes.
    prologue = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    _run(
        [_tool("psql"), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", "-"],
        env,
        "Khôi phục PostgreSQL",
        input=prologue + script,
    )


def _swap_files(staged_var: Path, var_dir: Path, target: Target) -> None:
    keep = {Path(target.name).resolve()} if target.engine == "sqlite" else set()
    for path in _var_files(var_dir, keep):
        path.unlink()
    if not staged_var.is_dir():
        return
    for path in sorted(staged_var.rglob("*")):
        if path.is_file():
            dest = var_dir / path.relative_to(staged_var)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)
