"""任职记录 in the member editor: the member's dated offices (书记、委员 …) and 党小组 history, with
任职 (start a term), 免职 (end the selected one), 调整党小组 (from a date) and 换届 (the whole
committee at once, in its own small dialog). Every change is written at once through
models.offices, so earlier meetings keep the officers and groups of their own day."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import offices, roster
from models.db import Database
from models.enums import BranchRole
from models.errors import BranchBookError
from ui import msgbox
from ui.look import error_label
from ui.widgets import DateEdit

TERM_ROLE = Qt.ItemDataRole.UserRole + 2
OFFICES = [(code, label) for code, label in BranchRole.choices() if code != BranchRole.NONE]


class TermsBox(QGroupBox):
    """The member's 任职记录 and 党小组 history; ``changed`` after every write."""

    changed = Signal()

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__("任职记录与党小组变动", parent)
        self.db, self.branch_id = db, branch_id
        self.member_id: int | None = None
        self.list = QListWidget()
        self.office_combo = QComboBox()
        for code, label in OFFICES:
            self.office_combo.addItem(label, code)
        self.group_combo = QComboBox()
        self.group_combo.addItem("（不属于党小组）", None)
        self.date_edit = DateEdit(date.today())
        self.error = error_label()
        self.start_button = QPushButton("任职")
        self.end_button = QPushButton("免职（结束所选）")
        self.move_button = QPushButton("调整党小组")
        self.delete_button = QPushButton("删除所选")
        self.handover_button = QPushButton("换届…")
        self.handover_button.setToolTip("一次登记支部委员会换届：原支委同日卸任，新一届支委同日任职")
        when = QHBoxLayout()
        when.addWidget(QLabel("日期"))
        when.addWidget(self.date_edit, 1)
        office_row = QHBoxLayout()
        office_row.addWidget(self.office_combo, 1)
        office_row.addWidget(self.start_button)
        office_row.addWidget(self.end_button)
        group_row = QHBoxLayout()
        group_row.addWidget(self.group_combo, 1)
        group_row.addWidget(self.move_button)
        tail = QHBoxLayout()
        tail.addWidget(self.delete_button)
        tail.addStretch(1)
        tail.addWidget(self.handover_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(when)
        layout.addLayout(office_row)
        layout.addLayout(group_row)
        layout.addWidget(self.error)
        layout.addLayout(tail)
        self.start_button.clicked.connect(self.start_term)
        self.end_button.clicked.connect(self.end_selected)
        self.move_button.clicked.connect(self.move_group)
        self.delete_button.clicked.connect(self._delete_selected)
        self.handover_button.clicked.connect(self.open_handover)

    def set_groups(self, groups: list[tuple[int, str]]) -> None:
        for gid, name in groups:
            self.group_combo.addItem(name, gid)

    def show_terms(self, member_id: int, terms: list[offices.TermRow]) -> None:
        self.member_id = member_id
        self.list.clear()
        for t in terms:
            kind = "任" if t.kind == "office" else "在"
            item = QListWidgetItem(f"{t.span_text}　{kind}{t.what}" + (f"　{t.note}" if t.note else ""))
            item.setData(TERM_ROLE, (t.kind, t.id))
            self.list.addItem(item)

    def _selected(self) -> tuple[str, int] | None:
        item = self.list.currentItem()
        return None if item is None else tuple(item.data(TERM_ROLE))  # type: ignore[return-value]

    def _write(self, action: object) -> bool:
        self.error.hide()
        try:
            with self.db.transaction() as s:
                action(s)  # type: ignore[operator]
        except BranchBookError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.changed.emit()
        return True

    def _day(self) -> date | None:
        day = self.date_edit.value()
        if day is None:
            self.error.setText("请填写日期。")
            self.error.show()
        return day

    def start_term(self) -> bool:
        day, member_id = self._day(), self.member_id
        if day is None or member_id is None:
            return False
        office = BranchRole(self.office_combo.currentData())
        return self._write(lambda s: offices.start_term(s, member_id, office, day))

    def end_selected(self) -> bool:
        selected, day = self._selected(), self._day()
        if day is None:
            return False
        if selected is None or selected[0] != "office":
            self.error.setText("请先在上面的列表中选中要免去的职务。")
            self.error.show()
            return False
        return self._write(lambda s: offices.end_term(s, selected[1], day))

    def move_group(self) -> bool:
        day, member_id = self._day(), self.member_id
        if day is None or member_id is None:
            return False
        group_id = self.group_combo.currentData()
        return self._write(lambda s: offices.move_to_group(s, member_id, group_id, day))

    def _delete_selected(self) -> None:
        selected, item = self._selected(), self.list.currentItem()
        if selected is None or item is None:
            return
        if selected[0] != "office":
            self.error.setText("党小组变动请用“调整党小组”登记，不能直接删除。")
            self.error.show()
            return
        if msgbox.ask(self, "删除任职记录", f"确定删除“{item.text()}”这条任职记录吗？") \
                != msgbox.QMessageBox.StandardButton.Yes:
            return
        self._write(lambda s: offices.delete_term(s, selected[1]))

    def open_handover(self) -> None:
        dialog = HandoverDialog(self.db, self.branch_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.changed.emit()


class HandoverDialog(QDialog):
    """换届: pick the date and the office of each member of the new committee."""

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.setWindowTitle("支部委员会换届")
        self.date_edit = DateEdit(date.today())
        self.error = error_label()
        form = QFormLayout()
        form.addRow("换届日期", self.date_edit)
        self.combos: dict[int, QComboBox] = {}
        with db.reading() as s:
            rows = roster.list_members(s, branch_id, on_roll_only=True)
        for r in rows:
            combo = QComboBox()
            combo.addItem("（不任支委）", str(BranchRole.NONE))
            for code, label in OFFICES:
                combo.addItem(label, code)
            combo.setCurrentIndex(max(combo.findData(str(r.branch_role) if r.is_committee else "none"), 0))
            self.combos[r.id] = combo
            form.addRow(r.name, combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记换届")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("请选择新一届支部委员会成员的职务；原支委在换届日期卸任。"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def seats(self) -> dict[int, BranchRole]:
        return {mid: BranchRole(c.currentData()) for mid, c in self.combos.items()
                if c.currentData() != BranchRole.NONE}

    def save(self) -> bool:
        self.error.hide()
        day = self.date_edit.value()
        try:
            if day is None:
                raise BranchBookError("请填写换届日期。", field="on")
            with self.db.transaction() as s:
                offices.change_committee(s, self.branch_id, day, self.seats())
        except BranchBookError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.accept()
        return True
