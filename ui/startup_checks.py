"""Opening the database for the GUI (placeholder until the backup issue adds the instance
lock, the removable-drive check, integrity on open and automatic backups)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from models.db import Database, open_database


def open_for_gui(parent: QWidget | None, path: Path) -> Database | None:
    """Open ``path`` for the window, or explain why not (returns None after telling the user)."""
    return open_database(path)


def on_exit(db: Database) -> None:
    """Called when the window closes, before the database is closed (automatic backup)."""
