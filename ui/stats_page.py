"""统计与提醒 page (placeholder until the compliance issue lands)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models.db import Database


class StatsPage(QWidget):
    #: (MeetingType code, a date in the period, group id or None): the user asked for a new meeting.
    new_meeting_requested = Signal(str, date, object)
    #: the number of open alerts, for the navigation badge.
    alerts_changed = Signal(int)

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("统计与提醒功能即将推出。"))

    def refresh(self) -> None:
        """Recompute after records changed."""
