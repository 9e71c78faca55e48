"""党员信息 dialog: the member's details, their dated 党籍状态 history (转出, 停止党籍, 留党察看,
恢复在册 …), 免于参加组织生活 exemptions, 任职记录 (offices, 党小组 moves, 换届: ui/terms_box.py)
and 延长预备期 (ui/probation_box.py).
Status, exemption and term entries are written at once; a role or group changed in the form itself
takes effect from today."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import roster
from models.db import Database
from models.enums import BranchRole, Gender, MemberCategory, MembershipState
from models.errors import BranchBookError
from models.roster import MemberInput
from models.validation import mask_id_number, table_date
from ui import msgbox
from ui.look import error_label
from ui.probation_box import ProbationBox
from ui.screen_fit import open_fitted, scrolling
from ui.settings import MEMBER_GEOMETRY, SHOW_FULL_NUMBERS, Settings
from ui.terms_box import TermsBox
from ui.widgets import DateEdit, with_error

ID_ROLE = Qt.ItemDataRole.UserRole + 1
FIELDS = ("name", "gender", "birth_date", "ethnicity", "phone", "id_number", "joined_on", "full_member_on",
          "category", "group_id", "branch_role")


def _combo(choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for code, label in choices:
        combo.addItem(label, code)
    return combo


class MemberEditor(QDialog):
    saved = Signal(int)

    def __init__(self, db: Database, branch_id: int, member_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id, self.member_id = db, branch_id, member_id
        self.setWindowTitle("党员信息" if member_id else "新增党员")
        self.name_edit = QLineEdit()
        self.gender_combo = _combo(Gender.choices())
        self.birth_edit = DateEdit(optional=True)
        self.ethnicity_edit = QLineEdit("汉族")
        self.phone_edit = QLineEdit()
        self.id_edit = QLineEdit()
        self.id_edit.setMaxLength(18)
        self.full_id: str | None = None  # the stored number while the field shows it masked
        self.show_id_button = QPushButton("显示完整号码")
        self.show_id_button.setToolTip("显示完整身份证号（将记入操作日志）")
        self.show_id_button.hide()
        self.show_id_button.clicked.connect(self.reveal_id_number)
        id_row = QWidget()
        id_layout = QHBoxLayout(id_row)
        id_layout.setContentsMargins(0, 0, 0, 0)
        id_layout.addWidget(self.id_edit, 1)
        id_layout.addWidget(self.show_id_button)
        self.joined_edit = DateEdit(optional=True)  # unknown stays empty: never today by accident
        self.full_edit = DateEdit(optional=True)
        self.category_combo = _combo(MemberCategory.choices())
        self.group_combo = QComboBox()
        self.group_combo.addItem("（未分组）", None)
        self.role_combo = _combo(BranchRole.choices())
        self.role_combo.setCurrentIndex(self.role_combo.findData(str(BranchRole.NONE)))
        self.committee_check = QCheckBox("支部委员会委员（支委）")
        self.note_edit = QLineEdit()
        self.errors = {name: error_label() for name in FIELDS}
        form = QFormLayout()
        for label, widget, name in (
            ("姓名", self.name_edit, "name"), ("性别", self.gender_combo, "gender"),
            ("出生日期", self.birth_edit, "birth_date"), ("民族", self.ethnicity_edit, "ethnicity"),
            ("联系电话", self.phone_edit, "phone"), ("身份证号", id_row, "id_number"),
            ("入党时间", self.joined_edit, "joined_on"), ("转正时间", self.full_edit, "full_member_on"),
            ("党员类别", self.category_combo, "category"), ("党小组", self.group_combo, "group_id"),
            ("支部职务", self.role_combo, "branch_role"),
        ):
            form.addRow(label, with_error(widget, self.errors[name]))
        form.addRow("", self.committee_check)
        form.addRow("备注", self.note_edit)

        self.status_box = self._status_box()
        self.exemption_box = self._exemption_box()
        self.terms_box = TermsBox(db, branch_id)
        self.terms_box.changed.connect(self._terms_changed)
        self.probation_box = ProbationBox(db)
        self.probation_box.changed.connect(self._probation_changed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        side = QVBoxLayout()
        side.addWidget(self.status_box, 1)
        side.addWidget(self.exemption_box, 1)
        side.addWidget(self.probation_box)
        body_box = QWidget()  # scrolls on a small screen instead of holding the dialog taller than it
        body = QHBoxLayout(body_box)
        body.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.terms_box, 1)
        body.addLayout(left, 1)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(body_box), 1)
        layout.addWidget(self.buttons)

        with db.reading() as s:
            groups = [(g.id, g.name) for g in roster.list_groups(s, branch_id)]
        for gid, name in groups:
            self.group_combo.addItem(name, gid)
        self.terms_box.set_groups(groups)
        if member_id is not None:
            self._load()
        self._enable_history()
        self.snapshot = self.collect()
        open_fitted(self, QSize(760, 680), option=MEMBER_GEOMETRY)

    # --- sections -------------------------------------------------------------------------------
    def _status_box(self) -> QGroupBox:
        box = QGroupBox("党籍状态记录")
        self.status_list = QListWidget()
        self.state_combo = _combo(MembershipState.choices())
        self.state_date = DateEdit()
        self.state_note = QLineEdit()
        self.state_note.setPlaceholderText("说明，如：转往某某党支部")
        self.state_error = error_label()
        self.add_state_button = QPushButton("登记状态变化")
        self.delete_state_button = QPushButton("删除所选")
        row = QHBoxLayout()
        row.addWidget(self.state_combo)
        row.addWidget(self.state_date)
        layout = QVBoxLayout(box)
        layout.addWidget(self.status_list, 1)
        layout.addLayout(row)
        layout.addWidget(self.state_note)
        layout.addWidget(self.state_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_state_button)
        buttons.addWidget(self.delete_state_button)
        layout.addLayout(buttons)
        self.add_state_button.clicked.connect(self.add_status)
        self.delete_state_button.clicked.connect(self._delete_status)
        return box

    def _exemption_box(self) -> QGroupBox:
        box = QGroupBox("免于参加组织生活")
        self.exemption_list = QListWidget()
        self.exempt_reason = QLineEdit()
        self.exempt_reason.setPlaceholderText("原因，如：年老体弱、长期外出经批准")
        self.exempt_from = DateEdit()
        self.exempt_to = DateEdit(optional=True)
        self.exempt_error = error_label()
        self.add_exempt_button = QPushButton("登记免于参加")
        self.delete_exempt_button = QPushButton("删除所选")
        dates = QHBoxLayout()
        dates.addWidget(QLabel("自"))
        dates.addWidget(self.exempt_from)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.exempt_to)
        layout = QVBoxLayout(box)
        layout.addWidget(self.exemption_list, 1)
        layout.addWidget(self.exempt_reason)
        layout.addLayout(dates)
        layout.addWidget(self.exempt_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_exempt_button)
        buttons.addWidget(self.delete_exempt_button)
        layout.addLayout(buttons)
        self.add_exempt_button.clicked.connect(self.add_exemption)
        self.delete_exempt_button.clicked.connect(self._delete_exemption)
        return box

    def _enable_history(self) -> None:
        on = self.member_id is not None
        self.status_box.setEnabled(on)
        self.exemption_box.setEnabled(on)
        self.terms_box.setEnabled(on)
        self.probation_box.setEnabled(on)
        tip = "" if on else "保存党员信息后可登记党籍状态变化和免于参加组织生活。"
        self.status_box.setToolTip(tip)
        self.exemption_box.setToolTip(tip)
        self.terms_box.setToolTip("" if on else "保存党员信息后可登记任职、免职、换届和党小组调整。")

    # --- data -----------------------------------------------------------------------------------
    def _load(self) -> None:
        r = self._load_history().row
        self.name_edit.setText(r.name)
        self.gender_combo.setCurrentIndex(self.gender_combo.findData(str(r.gender)))
        self.birth_edit.set_value(r.birth_date)
        self.ethnicity_edit.setText(r.ethnicity)
        self.phone_edit.setText(r.phone)
        self._show_id_number(r.id_number)
        self.joined_edit.set_value(r.joined_on)
        self.full_edit.set_value(r.full_member_on)
        self.category_combo.setCurrentIndex(self.category_combo.findData(str(r.category)))
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(r.group_id), 0))
        self.role_combo.setCurrentIndex(self.role_combo.findData(str(r.branch_role)))
        self.committee_check.setChecked(r.is_committee)
        self.note_edit.setText(r.note)

    def _show_id_number(self, number: str) -> None:
        """Masked (110105********002X) unless the roster shows full numbers; 显示完整号码 asks."""
        if number and not Settings().get(SHOW_FULL_NUMBERS):
            self.full_id = number
            self.id_edit.setText(mask_id_number(number))
            self.id_edit.setReadOnly(True)
            self.show_id_button.show()
        else:
            self.full_id = None
            self.id_edit.setText(number)

    def reveal_id_number(self) -> None:
        """The full number, for editing; the request is recorded in the 操作日志."""
        if self.member_id is None or self.full_id is None:
            return
        with self.db.transaction() as s:
            number = roster.reveal_id_number(s, self.member_id)
        self.full_id = None
        self.id_edit.setReadOnly(False)
        self.id_edit.setText(number)
        self.show_id_button.hide()

    def _load_history(self) -> roster.MemberDetail:
        """Reload the status and exemption lists only (unsaved edits in the form stay)."""
        assert self.member_id is not None
        with self.db.reading() as s:
            detail = roster.get_member(s, self.member_id)
        self.status_list.clear()
        for st in detail.statuses:
            item = QListWidgetItem(f"{table_date(st.effective_on)}起　{st.state.label}"
                                   + (f"　{st.note}" if st.note else ""))
            item.setData(ID_ROLE, st.id)
            self.status_list.addItem(item)
        self.exemption_list.clear()
        for ex in detail.exemptions:
            until = table_date(ex.end_on) if ex.end_on else "长期"
            item = QListWidgetItem(f"{table_date(ex.start_on)}至{until}　{ex.reason}")
            item.setData(ID_ROLE, ex.id)
            self.exemption_list.addItem(item)
        self.terms_box.show_terms(detail.row.id, detail.terms)
        self.probation_box.show_extension(detail.row.id, detail.row.joined_on, detail.probation_extension)
        return detail

    def _terms_changed(self) -> None:
        """A term was written: today's office, 支委 seat and group in the form follow the terms
        (saving the form afterwards must not undo the new term)."""
        r = self._load_history().row
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(r.group_id), 0))
        self.role_combo.setCurrentIndex(self.role_combo.findData(str(r.branch_role)))
        self.committee_check.setChecked(r.is_committee)
        self.snapshot = replace(self.snapshot, group_id=r.group_id, branch_role=r.branch_role,
                                is_committee=r.is_committee)
        assert self.member_id is not None
        self.saved.emit(self.member_id)

    def _probation_changed(self) -> None:
        """延长预备期 recorded or removed: today's 党员类别 in the form follows it."""
        assert self.member_id is not None
        with self.db.reading() as s:
            category = roster.get_member(s, self.member_id).row.category
        self.category_combo.setCurrentIndex(self.category_combo.findData(str(category)))
        self.snapshot = replace(self.snapshot, category=category)
        self.saved.emit(self.member_id)

    def collect(self) -> MemberInput:
        return MemberInput(
            name=self.name_edit.text(), gender=Gender(self.gender_combo.currentData()),
            joined_on=self.joined_edit.value(), category=MemberCategory(self.category_combo.currentData()),
            birth_date=self.birth_edit.value(), ethnicity=self.ethnicity_edit.text(), phone=self.phone_edit.text(),
            id_number=self.full_id if self.full_id is not None else self.id_edit.text(), full_member_on=self.full_edit.value(),
            group_id=self.group_combo.currentData(), branch_role=BranchRole(self.role_combo.currentData()),
            is_committee=self.committee_check.isChecked(), note=self.note_edit.text(),
        )

    def _show_error(self, exc: BranchBookError, fallback: QLabel) -> None:
        label = self.errors.get(exc.field or "", fallback)
        label.setText(exc.message)
        label.show()

    def save(self) -> bool:
        for label in self.errors.values():
            label.hide()
        data = self.collect()
        problems = roster.member_problems(data)
        for problem in problems:  # every refused field in one round, each under its field
            self._show_error(problem, self.errors["name"])
        if problems:
            return False
        try:
            with self.db.transaction() as s:
                if self.member_id is None:
                    self.member_id = roster.create_member(s, self.branch_id, data)
                else:
                    roster.update_member(s, self.member_id, data)
        except BranchBookError as exc:
            self._show_error(exc, self.errors["name"])
            return False
        self.snapshot = self.collect()
        self.saved.emit(self.member_id)
        self.accept()
        return True

    def reject(self) -> None:
        """取消, Esc or the close button: typing is not dropped without asking."""
        if self.collect() != self.snapshot:
            answer = msgbox.ask_unsaved(self, "党员信息有未保存的修改，是否保存？")
            if answer == msgbox.QMessageBox.StandardButton.Cancel:
                return
            if answer == msgbox.QMessageBox.StandardButton.Save:
                self.save()
                return
        super().reject()

    def add_status(self) -> bool:
        self.state_error.hide()
        on = self.state_date.value()
        assert self.member_id is not None and on is not None
        try:
            with self.db.transaction() as s:
                roster.add_status(s, self.member_id, MembershipState(self.state_combo.currentData()), on,
                                  self.state_note.text())
        except BranchBookError as exc:
            self.state_error.setText(exc.message)
            self.state_error.show()
            return False
        self.state_note.clear()
        self._load_history()
        self.saved.emit(self.member_id)
        return True

    def _delete_status(self) -> None:
        item = self.status_list.currentItem()
        if item is None or msgbox.ask(self, "删除党籍状态记录", f"确定删除“{item.text()}”这条记录吗？") \
                != msgbox.QMessageBox.StandardButton.Yes:
            return
        try:
            with self.db.transaction() as s:
                roster.delete_status(s, int(item.data(ID_ROLE)))
        except BranchBookError as exc:
            self.state_error.setText(exc.message)
            self.state_error.show()
            return
        self._load_history()
        self.saved.emit(self.member_id)  # who is on the roll changed, as when a status is added

    def add_exemption(self) -> bool:
        self.exempt_error.hide()
        start = self.exempt_from.value()
        assert self.member_id is not None and start is not None
        try:
            with self.db.transaction() as s:
                roster.add_exemption(s, self.member_id, start, self.exempt_to.value(), self.exempt_reason.text())
        except BranchBookError as exc:
            self.exempt_error.setText(exc.message)
            self.exempt_error.show()
            return False
        self.exempt_reason.clear()
        self._load_history()
        self.saved.emit(self.member_id)
        return True

    def _delete_exemption(self) -> None:
        item = self.exemption_list.currentItem()
        if item is None or msgbox.ask(self, "删除免于参加记录", f"确定删除“{item.text()}”这条记录吗？") \
                != msgbox.QMessageBox.StandardButton.Yes:
            return
        with self.db.transaction() as s:
            roster.delete_exemption(s, int(item.data(ID_ROLE)))
        self._load_history()
        self.saved.emit(self.member_id)  # who is expected at meetings changed
