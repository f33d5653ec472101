"""Uploaded or pasted files kept between "check" and "confirm": stored under var/imports with a random
token, remembered in the user's session, so one user's token never opens another user's file."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.http import Http404


def imports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(upload, token: str | None = None) -> Path:
    """Write an uploaded file to var/imports, keeping only its (short) extension from the client's name."""
    target = imports_dir() / f"{token or uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:6]}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def stash(request, session_key: str, *, upload=None, text: str = "", pasted_name: str = "") -> tuple[str, Path, str]:
    """Keep an upload, or pasted text as a .txt file, for a later step. Returns (token, path, display name)."""
    token = uuid.uuid4().hex
    if upload:
        path, name = save_upload(upload, token), upload.name
    else:
        path, name = imports_dir() / f"{token}.txt", pasted_name
        path.write_text(text, encoding="utf-8")
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
    entry = request.session.get(session_key, {}).pop(token, None)
    request.session.modified = True
    if entry:
        Path(entry["path"]).unlink(missing_ok=True)
