"""Leftovers of an interrupted backup, restore or merge, cleaned on the next start or command.

A crash (``kill -9``, power cut) can leave behind what a backup or restore was working in: a
``bbk-<pid>-…`` folder in the system's temp folder, a ``.bbk-work-<pid>-…`` folder beside the
database or in the temp folder, and a ``.<backup>.<pid>.partial`` file in the backup target —
tens of megabytes each. The names carry the pid of the process that made them, so
:func:`clean_leftovers` removes only

* entries whose name is exactly one of ours (never anything else in the folder),
* owned by this account, not symbolic links,
* and stale: their process is gone, or they are older than :data:`MAX_AGE` (a reused pid);
  names without a pid (left by an older version) once they are older than :data:`LEGACY_AGE`.

So a backup that another instance is making right now is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from models.lock import pid_alive

MAX_AGE = 24 * 3600.0
LEGACY_AGE = 3600.0

_DIRS = (re.compile(r"^bbk-(?P<pid>\d+)-[a-z0-9_]{6,}$"), re.compile(r"^\.bbk-work-(?P<pid>\d+)-[a-z0-9_]{6,}$"))
_LEGACY_DIRS = (re.compile(r"^bbk-[a-z0-9_]{8}$"), re.compile(r"^\.bbk-work-[a-z0-9_]{8}$"))
_FILES = (re.compile(r"^\..+\.bbk\.(?P<pid>\d+)\.partial$"),)
_LEGACY_FILES = (re.compile(r"^\..+\.bbk\.partial$"),)


def temp_prefix() -> str:
    """Prefix of a backup's temporary folder (tempfile adds a random part)."""
    return f"bbk-{os.getpid()}-"


def work_prefix() -> str:
    """Prefix of the folder a backup is unpacked into for checking, restoring or merging."""
    return f".bbk-work-{os.getpid()}-"


def partial_path(final: Path) -> Path:
    """Where a backup is written before it is checked and renamed to ``final``."""
    return final.with_name(f".{final.name}.{os.getpid()}.partial")


def _stale(name: str, info: os.stat_result, is_dir: bool, now: float) -> bool:
    age = now - info.st_mtime
    for pattern in _DIRS if is_dir else _FILES:
        match = pattern.match(name)
        if match:
            pid = int(match.group("pid"))
            if pid == os.getpid():
                return False
            return age > MAX_AGE or not pid_alive(pid)
    legacy = _LEGACY_DIRS if is_dir else _LEGACY_FILES
    return any(p.match(name) for p in legacy) and age > LEGACY_AGE


def _ours(info: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


def clean_folder(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the stale leftovers directly inside ``folder``; returns what was removed.
    Never raises: cleaning up is a courtesy, and a folder that cannot be read is left alone."""
    removed: list[Path] = []
    when = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if "bbk" not in entry.name:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode) or not _ours(info):
                continue
            is_dir = stat.S_ISDIR(info.st_mode)
            if not (is_dir or stat.S_ISREG(info.st_mode)) or not _stale(entry.name, info, is_dir, when):
                continue
            if is_dir:
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def clean_leftovers(folders: Iterable[Path | None]) -> list[Path]:
    """Clean the system temp folder and ``folders`` (the database's folder, the backups
    folder, a backup target…)."""
    seen: set[str] = set()
    removed: list[Path] = []
    for folder in [Path(tempfile.gettempdir()), *folders]:
        if folder is None:
            continue
        key = os.path.normcase(os.path.abspath(folder))
        if key in seen:
            continue
        seen.add(key)
        removed += clean_folder(Path(folder))
    return removed
