"""备份与恢复 page (placeholder until the backup issue lands)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models.db import Database


class BackupPage(QWidget):
    #: emitted after a backup succeeded (text for the status bar).
    backup_done = Signal(str)
    #: emitted after a restore or merge replaced/changed the records: the window reloads.
    database_replaced = Signal()

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("备份与恢复功能即将推出。"))

    def backup_to_removable(self) -> None:
        """The toolbar's 备份到U盘 action."""

    def last_backup_text(self) -> str:
        """For the status bar, e.g. “最近备份：2026年11月20日 18:02”."""
        return "尚未备份"
