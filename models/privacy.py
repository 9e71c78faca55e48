"""Personal data stays out of logs, and the files holding it are the owner's alone.

* :func:`scrub` removes SQLAlchemy's ``[parameters: …]`` lines (they carry the values of
  the statement that failed: names, ID numbers, phones, minutes) and masks every 18-digit
  (and 15-digit) ID number and 11-digit mobile number left in a text.
* :func:`write_log` writes a scrubbed report into the logs folder, folder 0700, file 0600.
* :func:`make_private` / :func:`private_folder` narrow the modes of what we create (the
  database and its -wal/-shm, backups, logs) where the platform has modes.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from models import paths

_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
_ID_18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID_15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{5}(\d{4})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")

FILE_MODE, FOLDER_MODE = 0o600, 0o700


def scrub(text: str) -> str:
    """``text`` with statement parameters removed and ID numbers and phones masked."""
    text = _PARAMETERS.sub("[parameters: （已隐去，可能含个人信息）]", text)
    text = _ID_18.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    text = _ID_15.sub(lambda m: m.group(1) + "*" * 5 + m.group(2), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def make_private(*files: Path) -> None:
    """chmod 0600 each existing file (ignored where the platform or the drive has no modes)."""
    if os.name == "nt":
        return
    for path in files:
        try:
            if path.exists():
                os.chmod(path, FILE_MODE)
        except OSError:
            pass


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (and parents) readable by the owner only; returns it."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if os.name != "nt":
        try:
            os.chmod(folder, FOLDER_MODE)
        except OSError:
            pass
    return folder


def database_files(db_path: Path) -> list[Path]:
    return [db_path, *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal"))]


def write_log(text: str, prefix: str = "error", suffix: str = ".log") -> Path:
    """Write a scrubbed report into the logs folder (0700), as a file only the owner reads."""
    folder = private_folder(paths.logs_dir())
    path = folder / f"{prefix}-{datetime.now():%Y%m%d-%H%M%S}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(scrub(text))
    make_private(path)
    return path
