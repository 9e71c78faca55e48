"""Every path the application uses, in one place (after qutebrowser's standarddir).

Tests call :func:`set_base_dir` with a temporary folder so that nothing touches the
real user profile."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "BranchBook"
APP_AUTHOR = "BranchBook"
DB_FILENAME = "branchbook.sqlite3"

_base_override: Path | None = None


def set_base_dir(path: str | os.PathLike[str] | None) -> None:
    """Redirect every user-data path below ``path`` (None restores the default)."""
    global _base_override
    _base_override = Path(path) if path is not None else None


def data_dir() -> Path:
    """The per-user data folder (e.g. %LOCALAPPDATA%\\BranchBook on Windows)."""
    if _base_override is not None:
        return _base_override
    env = os.environ.get("BRANCHBOOK_DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def backups_dir() -> Path:
    """Automatic local backups."""
    return data_dir() / "backups"


def logs_dir() -> Path:
    """Error reports (tracebacks are written here, never shown raw to a user)."""
    return data_dir() / "logs"


def resources_dir() -> Path:
    """The resources/ folder, also inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"
