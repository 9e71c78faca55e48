"""延长预备期 in the member editor: shows a member's extended probation (at most one, at most a
year) and records or removes it at once through models.probation. During it the member stays a
预备党员 without a vote, so quorum and vote denominators leave them out."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import probation, roster
from models.db import Database
from models.errors import BranchBookError
from ui import msgbox
from ui.look import error_label
from ui.widgets import DateEdit


class ProbationBox(QGroupBox):
    """``changed`` after every write (who has a vote on which day changed)."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("延长预备期", parent)
        self.db = db
        self.member_id: int | None = None
        self.joined_on: date | None = None
        self.current = QLabel("未延长预备期")
        self.current.setWordWrap(True)
        self.from_edit = DateEdit(optional=True)
        self.from_edit.setToolTip("原定预备期满之日；不填则按入党时间满一年计算")
        self.until_edit = DateEdit(optional=True)
        self.until_edit.setToolTip("延长后的预备期满之日（最长延长一年），此前仍为预备党员，没有表决权")
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("依据，如：2025年6月支部党员大会决议")
        self.error = error_label()
        self.add_button = QPushButton("登记延长预备期")
        self.delete_button = QPushButton("删除延长记录")
        dates = QHBoxLayout()
        dates.addWidget(QLabel("自"))
        dates.addWidget(self.from_edit)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.until_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(dates)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.record)
        self.delete_button.clicked.connect(self.remove)
        self.show_extension(None, None, None)

    def show_extension(self, member_id: int | None, joined_on: date | None,
                       extension: probation.ProbationExtension | None) -> None:
        self.member_id, self.joined_on = member_id, joined_on
        self.error.hide()
        if extension is None:
            self.current.setText("未延长预备期。预备期只能延长一次，最长不超过一年。")
            self.from_edit.set_value(probation.ordinary_end(joined_on) if joined_on else None)
            self.until_edit.set_value(None)
        else:
            self.current.setText(extension.text + "。此前仍为预备党员，没有表决权。")
        for w in (self.from_edit, self.until_edit, self.note_edit, self.add_button):
            w.setEnabled(extension is None)
        self.delete_button.setEnabled(extension is not None)

    def _reload(self) -> None:
        assert self.member_id is not None
        with self.db.reading() as s:
            detail = roster.get_member(s, self.member_id)
        self.show_extension(self.member_id, detail.row.joined_on, detail.probation_extension)
        self.changed.emit()

    def record(self) -> bool:
        self.error.hide()
        until = self.until_edit.value()
        if self.member_id is None:
            return False
        if until is None:
            self.error.setText("请填写延长后的预备期满之日（“至”）。")
            self.error.show()
            return False
        try:
            with self.db.transaction() as s:
                roster.extend_probation(s, self.member_id, until, self.from_edit.value(), self.note_edit.text())
        except BranchBookError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.note_edit.clear()
        self._reload()
        return True

    def remove(self) -> None:
        if self.member_id is None or msgbox.ask(self, "删除延长预备期", "确定删除该党员的延长预备期记录吗？") \
                != msgbox.QMessageBox.StandardButton.Yes:
            return
        try:
            with self.db.transaction() as s:
                roster.delete_probation_extension(s, self.member_id)
        except BranchBookError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self._reload()
