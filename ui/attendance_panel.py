"""出席情况 in the meeting editor: one row per 应到 member with 出席/请假/缺席, a leave reason and a
note; live 应到/实到/请假/缺席 counts and, for a 支部党员大会 or 支委会, the quorum. 应到 is the
roll as of the meeting date (set by the editor), never the rows: a list that lacks somebody 应到 is
incomplete and never quorate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.enums import AttendanceStatus, LeaveReason
from models.meetings import AttendanceInput
from models.rules import quorum_met
from ui.look import icon
from ui.table_base import RowsModel

COL_NAME, COL_VOTE, COL_STATUS, COL_REASON, COL_NOTE = range(5)
HEADERS = ("姓名", "表决权", "出席情况", "请假原因", "说明")
NOTE_HINT = "原因说明、迟到早退等"
UNRECORDED = "未登记"
Index = QModelIndex | QPersistentModelIndex


@dataclass
class AttendanceEntry:
    member_id: int
    name: str
    can_vote: bool
    #: None: 未登记 — nobody is marked present by accident; such a row is not saved
    status: AttendanceStatus | None = None
    leave_reason: LeaveReason | None = None
    note: str = ""
    late_note: str = ""

    def to_input(self) -> AttendanceInput:
        assert self.status is not None, "未登记 rows are not saved"
        reason = self.leave_reason if self.status == AttendanceStatus.LEAVE else None
        return AttendanceInput(self.member_id, self.status, reason, self.note, self.late_note)


class AttendanceModel(RowsModel):
    HEADERS = HEADERS

    @property
    def entries(self) -> list[AttendanceEntry]:
        return self.rows

    def set_entries(self, entries: list) -> None:  # type: ignore[type-arg]
        self.set_rows(entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        entry = self.entries[index.row()]
        if index.column() == COL_NAME:
            return entry.name
        if index.column() == COL_VOTE:
            return "有" if entry.can_vote else "无"
        return None

    def count(self, status: AttendanceStatus) -> int:
        return sum(1 for e in self.entries if e.status == status)


class AttendancePanel(QWidget):
    changed = Signal()
    #: the 应到/实到 counts (or the quorum) changed, e.g. for the summary on the first tab.
    counts_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AttendanceModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_NAME, 90), (COL_VOTE, 60), (COL_STATUS, 92), (COL_REASON, 92)):
            self.table.setColumnWidth(col, width)
        self.all_present_button = QPushButton(icon("all_present"), "全部出席")
        self.all_present_button.clicked.connect(self.mark_all_present)
        self.counts_label = QLabel()
        self.quorum_label = QLabel()
        self.quorum_label.setObjectName("quorum")
        self.show_quorum = False
        self.committee = False  # the quorum of a 支委会 counts committee members, not votes
        self.election = False
        # 应到 from the roll as of the meeting date: (member id, name, 有表决权); None: the rows
        self.roll: list[tuple[int, str, bool]] | None = None
        top = QHBoxLayout()
        top.addWidget(self.counts_label)
        top.addSpacing(16)
        top.addWidget(self.quorum_label)
        top.addStretch(1)
        top.addWidget(self.all_present_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._read_only = False

    # --- filling ------------------------------------------------------------------------------
    def set_entries(self, entries: list[AttendanceEntry]) -> None:
        self.model.set_entries(entries)
        for row, entry in enumerate(entries):
            status = QComboBox()
            status.addItem(UNRECORDED, "")
            for code, label in AttendanceStatus.choices():
                status.addItem(label, code)
            status.setCurrentIndex(max(status.findData(str(entry.status) if entry.status else ""), 0))
            reason = QComboBox()
            reason.addItem("", None)
            for code, label in LeaveReason.choices():
                reason.addItem(label, code)
            reason.setCurrentIndex(max(reason.findData(str(entry.leave_reason) if entry.leave_reason else None), 0))
            reason.setEnabled(entry.status == AttendanceStatus.LEAVE and not self._read_only)
            note = QLineEdit(entry.note)
            note.setPlaceholderText("" if self._read_only else NOTE_HINT)
            for w in (status, note):
                w.setEnabled(not self._read_only)
            status.currentIndexChanged.connect(lambda _i, r=row: self._status_changed(r))
            reason.currentIndexChanged.connect(lambda _i, r=row: self._reason_changed(r))
            note.textEdited.connect(lambda text, r=row: self._note_changed(r, text))
            self.table.setIndexWidget(self.model.index(row, COL_STATUS), status)
            self.table.setIndexWidget(self.model.index(row, COL_REASON), reason)
            self.table.setIndexWidget(self.model.index(row, COL_NOTE), note)
        self._update_counts()

    def entries(self) -> list[AttendanceEntry]:
        return list(self.model.entries)

    def inputs(self) -> list[AttendanceInput]:
        """The rows to save: 未登记 members are left out (they count neither present nor absent)."""
        return [e.to_input() for e in self.model.entries if e.status is not None]

    def unrecorded_names(self) -> list[str]:
        return [e.name for e in self.model.entries if e.status is None]

    def incomplete(self) -> bool:
        """Somebody 应到 has no row, or a row still 未登记: no quorum can be claimed."""
        return bool(self.missing_names() or self.unrecorded_names())

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.all_present_button.setEnabled(not read_only)
        for row, entry in enumerate(self.model.entries):
            self.status_combo(row).setEnabled(not read_only)
            self.reason_combo(row).setEnabled(not read_only and entry.status == AttendanceStatus.LEAVE)
            self.note_edit(row).setEnabled(not read_only)
            self.note_edit(row).setPlaceholderText("" if read_only else NOTE_HINT)

    # --- widgets (also what tests drive) -------------------------------------------------------
    def row_of(self, name: str) -> int:
        for row, entry in enumerate(self.model.entries):
            if entry.name == name:
                return row
        raise KeyError(name)

    def status_combo(self, row: int) -> QComboBox:
        widget = self.table.indexWidget(self.model.index(row, COL_STATUS))
        assert isinstance(widget, QComboBox)
        return widget

    def reason_combo(self, row: int) -> QComboBox:
        widget = self.table.indexWidget(self.model.index(row, COL_REASON))
        assert isinstance(widget, QComboBox)
        return widget

    def note_edit(self, row: int) -> QLineEdit:
        widget = self.table.indexWidget(self.model.index(row, COL_NOTE))
        assert isinstance(widget, QLineEdit)
        return widget

    # --- reactions ----------------------------------------------------------------------------
    def _status_changed(self, row: int) -> None:
        entry = self.model.entries[row]
        code = self.status_combo(row).currentData()
        entry.status = AttendanceStatus(code) if code else None
        reason = self.reason_combo(row)
        reason.setEnabled(entry.status == AttendanceStatus.LEAVE and not self._read_only)
        if entry.status != AttendanceStatus.LEAVE:
            reason.setCurrentIndex(0)
        self._update_counts()
        self.changed.emit()

    def _reason_changed(self, row: int) -> None:
        code = self.reason_combo(row).currentData()
        self.model.entries[row].leave_reason = LeaveReason(code) if code else None
        self.changed.emit()

    def _note_changed(self, row: int, text: str) -> None:
        self.model.entries[row].note = text
        self.changed.emit()

    def mark_all_present(self) -> None:
        for row in range(len(self.model.entries)):
            combo = self.status_combo(row)
            combo.setCurrentIndex(combo.findData(str(AttendanceStatus.PRESENT)))

    def set_roll(self, roll: list[tuple[int, str, bool]] | None) -> None:
        """应到 as the roll has it on the meeting date (member id, name, 有表决权)."""
        self.roll = roll
        self._update_counts()

    def expected_count(self) -> int:
        return len(self.roll) if self.roll is not None else len(self.model.entries)

    def missing_names(self) -> list[str]:
        """应到 members without a row: the list is incomplete."""
        if self.roll is None:
            return []
        listed = {e.member_id for e in self.model.entries}
        return [name for mid, name, _vote in self.roll if mid not in listed]

    def _update_counts(self) -> None:
        m = self.model
        # 未登记: 应到 without a row, and rows whose status is still to be chosen
        unrecorded = len(self.missing_names()) + len(self.unrecorded_names())
        gap = f"，{UNRECORDED} {unrecorded} 人" if unrecorded else ""
        self.counts_label.setText(
            f"应到 {self.expected_count()} 人，实到 {m.count(AttendanceStatus.PRESENT)} 人，"
            f"请假 {m.count(AttendanceStatus.LEAVE)} 人，缺席 {m.count(AttendanceStatus.ABSENT)} 人{gap}"
        )
        self._update_quorum()

    def set_show_quorum(self, show: bool, *, committee: bool = False) -> None:
        """Show the quorum line: of voting members (党员大会) or of committee members (支委会)."""
        self.show_quorum, self.committee = show, committee and show
        self._update_quorum()

    def set_election(self, election: bool) -> None:
        """选举 needs more than four fifths of the voting members, not just more than half."""
        self.election = election
        self._update_quorum()

    def voting_counts(self) -> tuple[int, int]:
        """(entitled, entitled present): 应到会有表决权的党员 (支委会: 应到支委) from the roll."""
        present = {e.member_id for e in self.model.entries if e.status == AttendanceStatus.PRESENT}
        if self.roll is None:
            voting = [e.member_id for e in self.model.entries if e.can_vote or self.committee]
        else:
            voting = [mid for mid, _name, vote in self.roll if vote or self.committee]
        return len(voting), sum(1 for mid in voting if mid in present)

    def quorum_state(self) -> bool | None:
        """法定人数: None where no quorum is counted; False for an incomplete list."""
        if not self.show_quorum:
            return None
        expected, present = self.voting_counts()
        met = quorum_met(expected, present, election=self.election)
        return False if met is not None and self.incomplete() else met

    def summary_text(self) -> str:
        text = self.counts_label.text()
        return f"{text}；{self.quorum_label.text()}" if self.show_quorum else text

    def _update_quorum(self) -> None:
        self.quorum_label.setVisible(self.show_quorum)
        if not self.show_quorum:
            self.counts_changed.emit(self.summary_text())
            return
        expected, present = self.voting_counts()
        met = self.quorum_state()
        ok = met is not False
        if met is None:
            verdict = "无需核算到会人数"
        elif self.incomplete():
            verdict = "出席情况未登记完整，不能认定达到法定人数"
        elif self.election:
            verdict = "达到选举所需人数" if ok else "未达到选举所需人数（须超过五分之四）"
        else:
            verdict = "达到法定人数" if ok else "未达到法定人数"
        who = "应到支委" if self.committee else "应到有表决权"
        self.quorum_label.setText(f"{who} {expected} 人，实到 {present} 人，{verdict}")
        self.quorum_label.setProperty("ok", ok)
        self.quorum_label.setStyleSheet("color: %s; font-weight: bold;" % ("#2e7d32" if ok else "#c62828"))
        self.counts_changed.emit(self.summary_text())
