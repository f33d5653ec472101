"""Uploaded or pasted files kept between "check" and "confirm": stored under var/imports with a random
token, remembered in the user's session, so one user's token never opens another user's file.

This is the one place that writes uploads (files kept with a record go through `private_storage`). They hold people's names, so the files are readable by the
service's account only (0600, in a 0700 directory), removed on confirm or cancel (`forget`), removed
after a day by `hienmau purge-uploads` (`purge_old_uploads`), and erased with a person (`erase_uploads`).
"""

from __future__ import annotations

import datetime
import os
import time
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import Http404

MAX_AGE = datetime.timedelta(days=1)


def private_storage() -> FileSystemStorage:
    """Where files kept with a record that names a person are stored (a humanitarian beneficiary's
    documents): under MEDIA_ROOT (read when used, so tests may move it), 0600 files in 0700 folders, never
    served as static media: a view that checks the scope sends them."""
    return FileSystemStorage(file_permissions_mode=0o600, directory_permissions_mode=0o700)


def imports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _open_private(path: Path):
    """A new file that only the service's account can read, whatever the umask."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def save_upload(upload, token: str | None = None) -> Path:
    """Write an uploaded file to var/imports, keeping only its (short) extension from the client's name."""
    target = imports_dir() / f"{token or uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:6]}"
    with _open_private(target) as out:
        for chunk in upload.chunks():
            out.write(chunk)
    target.chmod(0o600)
    return target


def stash(
    request, session_key: str, *, upload=None, text: str = "", pasted_name: str = "", suffix: str = ".txt"
) -> tuple[str, Path, str]:
    """Keep an upload, or pasted text as a file (.txt, or .html for a table pasted as HTML), for a later
    step. Returns (token, path, display name)."""
    token = uuid.uuid4().hex
    if upload:
        path, name = save_upload(upload, token), upload.name
    else:
        path, name = imports_dir() / f"{token}{suffix if suffix in ('.txt', '.html') else '.txt'}", pasted_name
        with _open_private(path) as out:
            out.write(text.encode("utf-8"))
        path.chmod(0o600)
    request.session.setdefault(session_key, {})[token] = {"path": str(path), "name": name}
    request.session.modified = True
    return token, path, name


def stashed(request, session_key: str, token: str) -> tuple[Path, str]:
    """The file kept under `token` in this user's session; 404 for anything else."""
    entry = request.session.get(session_key, {}).get(token)
    if not entry or not Path(entry["path"]).is_file():
        raise Http404
    return Path(entry["path"]), entry["name"]


def forget(request, session_key: str, token: str) -> None:
    """Drop a kept file (after its confirm, or when the user cancels)."""
    entry = request.session.get(session_key, {}).pop(token, None)
    request.session.modified = True
    if entry:
        Path(entry["path"]).unlink(missing_ok=True)


def hand_over(request, session_key: str, token: str) -> tuple[Path, str]:
    """Take a kept file out of the session without removing it: a background job now owns it (and
    removes it when it ends; `purge_old_uploads` still removes it after a day)."""
    path, name = stashed(request, session_key, token)
    request.session.get(session_key, {}).pop(token, None)
    request.session.modified = True
    return path, name


def purge_old_uploads(max_age: datetime.timedelta = MAX_AGE, now: float | None = None) -> list[Path]:
    """Remove kept files older than `max_age` (previews nobody confirmed or cancelled). Returns them."""
    cutoff = (now if now is not None else time.time()) - max_age.total_seconds()
    removed = []
    for path in imports_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def file_text(path: Path) -> str:
    """Whatever text a kept file holds (the XML of xlsx/docx members, or the bytes decoded), for erasure."""
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                parts = [
                    archive.read(info).decode("utf-8", "replace")
                    for info in archive.infolist()
                    if info.filename.endswith(".xml") and info.file_size < 64 * 1024 * 1024
                ]
            return "\n".join(parts)
        except (zipfile.BadZipFile, OSError, RuntimeError):
            pass
    return "\n".join((data.decode("utf-8", "replace"), data.decode("utf-16-le", "replace")))


def erase_uploads(identity) -> None:
    """Kept files that mention the person erased are removed (once the erasure commits)."""
    doomed = []
    for path in imports_dir().iterdir():
        if not path.is_file():
            continue
        try:
            mentioned = identity.mentioned_in(file_text(path))
        except OSError:
            mentioned = True  # unreadable here: not worth keeping a preview at the risk of keeping a person
        if mentioned:
            doomed.append(path)

    def remove() -> None:
        for path in doomed:
            path.unlink(missing_ok=True)

    transaction.on_commit(remove)
