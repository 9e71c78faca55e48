"""Every path the application uses, in one place (after qutebrowser's standarddir).

Tests call :func:`set_base_dir` with a temporary folder so that nothing touches the
real user profile."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from models.errors import BranchBookError, os_error_text

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


def ensure_folder_for(db_path: Path) -> Path:
    """Create the folder that will hold ``db_path`` (and its lock, marker and backups) if it is
    missing — on a fresh account the user data folder does not exist yet. Folders this creates
    are readable by their owner only (they hold personal data). Returns the folder.

    Raises BranchBookError with a Chinese reason when the folder cannot be created."""
    folder = Path(db_path).absolute().parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise BranchBookError(
            f"无法创建数据文件夹“{folder}”（{os_error_text(exc)}）。请检查该位置是否可写，"
            "或用 --db 指定其他位置的数据库文件。", field="db") from exc
    return folder


def cache_dir() -> Path:
    """Data the program can always rebuild (the printed documents' font metrics): deleting the
    folder loses nothing. Below the data folder when that is redirected (tests, BRANCHBOOK_DATA_DIR)."""
    if _base_override is not None:
        return _base_override / "cache"
    env = os.environ.get("BRANCHBOOK_DATA_DIR")
    if env:
        return Path(env) / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


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
    """Alembic's scripts, read as files (installer/branchbook.spec bundles them as data)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "models" / "migrations"
    return Path(__file__).resolve().parent / "migrations"
