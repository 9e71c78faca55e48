"""学习笔记 page: the list of study notes and an editor (member and/or meeting, date, title,
material, content, 学时)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import notes, roster
from models.db import Database
from models.errors import BranchBookError
from models.meetings import list_meetings
from models.notes import NoteInput, NoteRow
from models.validation import MAX_SEARCH_CHARS
from ui import msgbox
from ui.look import error_label, icon
from ui.table_base import RowsModel
from ui.widgets import DateEdit, with_error

HEADERS = ("日期", "标题", "党员", "学时")
Index = QModelIndex | QPersistentModelIndex


class NotesTableModel(RowsModel):
    HEADERS = HEADERS
    rows: list[NoteRow]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.rows[index.row()]
        return (r.studied_on.isoformat(), r.title, r.member_name or "（集体）", f"{r.hours:g}")[index.column()]


class NotesPage(QWidget):
    changed = Signal()

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.note_id: int | None = None
        self._meetings_year: int | None = None  # the year whose meetings the 关联会议 list holds
        self.model = NotesTableModel(self)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("搜索标题、内容、学习材料")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaxLength(MAX_SEARCH_CHARS)  # a pasted page is cut, not refused
        self.year_filter = QComboBox()
        self.year_filter.addItem("全部年份", None)
        for y in range(date.today().year, date.today().year - 10, -1):
            self.year_filter.addItem(f"{y}年", y)
        self.year_filter.setCurrentIndex(1)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        self.member_combo = QComboBox()
        self.meeting_combo = QComboBox()
        self.date_edit = DateEdit()
        self.title_edit = QLineEdit()
        self.material_edit = QLineEdit()
        self.content_edit = QPlainTextEdit()
        self.hours_spin = QDoubleSpinBox()
        self.hours_spin.setRange(0, 24)
        self.hours_spin.setSingleStep(0.5)
        self.hours_spin.setDecimals(1)
        self.hours_spin.setSuffix(" 学时")
        self.errors = {n: error_label() for n in ("title", "studied_on", "hours", "member_id", "meeting_id")}
        self.new_button = QPushButton(icon("add"), "新建笔记")
        self.save_button = QPushButton(icon("save"), "保存")
        self.delete_button = QPushButton(icon("delete"), "删除")
        self.state_label = QLabel()

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.year_filter)
        filters.addWidget(self.search_box, 1)
        lv.addLayout(filters)
        lv.addWidget(self.table, 1)
        right = QWidget()
        form = QFormLayout(right)
        form.addRow("", self.state_label)
        form.addRow("党员", with_error(self.member_combo, self.errors["member_id"]))
        form.addRow("关联会议", with_error(self.meeting_combo, self.errors["meeting_id"]))
        form.addRow("学习日期", with_error(self.date_edit, self.errors["studied_on"]))
        form.addRow("标题", with_error(self.title_edit, self.errors["title"]))
        form.addRow("学习材料", self.material_edit)
        form.addRow("心得体会", self.content_edit)
        form.addRow("学时", with_error(self.hours_spin, self.errors["hours"]))
        buttons = QHBoxLayout()
        for b in (self.new_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        form.addRow(buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(splitter)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(300)
        self.search_timer.timeout.connect(self.reload)
        self.search_box.textChanged.connect(lambda _t: self.search_timer.start())
        self.year_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.date_edit.dateChanged.connect(lambda _d: self._date_changed())
        self.new_button.clicked.connect(lambda: self.confirm_leave() and self.new_note())
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        self._fill_members()
        self.reload()
        self.new_note()

    # --- lists ------------------------------------------------------------------------------------
    def _fill_members(self) -> None:
        with self.db.reading() as s:
            members = roster.list_members(s, self.branch_id)
        keep = self.member_combo.currentData()
        self.member_combo.clear()
        self.member_combo.addItem("（集体学习，不计入个人）", None)
        for m in members:
            self.member_combo.addItem(m.name, m.id)
        self.member_combo.setCurrentIndex(max(self.member_combo.findData(keep), 0))

    def refresh_members(self) -> None:
        """The roster changed (a member added, renamed or deleted): the 党员 list reads it again."""
        self._fill_members()

    def _date_changed(self) -> None:
        """The 关联会议 list holds the meetings of the note's year: read again only when the year changes."""
        if (self.date_edit.value() or date.today()).year != self._meetings_year:
            self._fill_meetings()

    def refresh_meetings(self) -> None:
        """Meetings were saved or deleted elsewhere: the 关联会议 list reads them again."""
        self._fill_meetings()

    def _fill_meetings(self, keep: int | None = None, year: int | None = None) -> None:
        year = year or (self.date_edit.value() or date.today()).year
        keep = keep if keep is not None else self.meeting_combo.currentData()
        with self.db.reading() as s:
            rows = list_meetings(s, self.branch_id, year=year)
        self._meetings_year = year
        self.meeting_combo.clear()
        self.meeting_combo.addItem("（无）", None)
        for r in rows:
            self.meeting_combo.addItem(f"{r.held_on.isoformat()} {r.title}", r.id)
        self.meeting_combo.setCurrentIndex(max(self.meeting_combo.findData(keep), 0))

    def reload(self) -> None:
        self.search_timer.stop()
        with self.db.reading() as s:
            rows = notes.list_notes(s, self.branch_id, year=self.year_filter.currentData(),
                                    text=self.search_box.text() or None)
        self.model.set_rows(rows)

    # --- editing ------------------------------------------------------------------------------------
    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        note = self.model.rows[rows[0].row()]
        if note.id == self.note_id:
            return
        if not self.confirm_leave():
            self._select_row_of(self.note_id)  # stay on the note being typed
            return
        self.show_note(note)
        self._select_row_of(note.id)  # a save in between read the list again

    def _select_row_of(self, note_id: int | None) -> None:
        """Select ``note_id``'s row (or none) without reopening it in the editor."""
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.table.clearSelection()
        for row, note in enumerate(self.model.rows):
            if note.id == note_id:
                self.table.selectRow(row)
        selection.blockSignals(False)
        self.table.viewport().update()

    def is_dirty(self) -> bool:
        """Something typed in the editor is not saved yet."""
        return self.collect() != self.snapshot

    def confirm_leave(self) -> bool:
        """Before the editor shows something else: ask 保存 / 不保存 / 取消 when typing would be
        lost. True when it is fine to go on (saved, discarded, or nothing to lose)."""
        if not self.is_dirty():
            return True
        title = self.title_edit.text().strip() or "新建学习笔记"
        answer = msgbox.ask_unsaved(self, f"学习笔记“{title}”有未保存的修改，是否保存？")
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def show_note(self, note: NoteRow) -> None:
        self.note_id = note.id
        self.member_combo.setCurrentIndex(max(self.member_combo.findData(note.member_id), 0))
        self._fill_meetings(keep=note.meeting_id, year=note.studied_on.year)
        self.date_edit.set_value(note.studied_on)  # same year: the list just read stays
        self.meeting_combo.setCurrentIndex(max(self.meeting_combo.findData(note.meeting_id), 0))
        self.title_edit.setText(note.title)
        self.material_edit.setText(note.material)
        self.content_edit.setPlainText(note.content)
        self.hours_spin.setValue(note.hours)
        self.state_label.setText(f"编辑：{note.title}")
        self.delete_button.setEnabled(True)
        self._clear_errors()
        self.snapshot = self.collect()

    def new_note(self) -> None:
        self.note_id = None
        self.table.clearSelection()
        self.member_combo.setCurrentIndex(0)
        self._fill_meetings(keep=None, year=date.today().year)
        self.date_edit.set_value(date.today())
        self.meeting_combo.setCurrentIndex(0)
        for e in (self.title_edit, self.material_edit):
            e.clear()
        self.content_edit.clear()
        self.hours_spin.setValue(1.0)
        self.state_label.setText("新建学习笔记")
        self.delete_button.setEnabled(False)
        self._clear_errors()
        self.snapshot = self.collect()

    def collect(self) -> NoteInput:
        return NoteInput(studied_on=self.date_edit.value(), title=self.title_edit.text(),
                         material=self.material_edit.text(), content=self.content_edit.toPlainText(),
                         hours=self.hours_spin.value(), member_id=self.member_combo.currentData(),
                         meeting_id=self.meeting_combo.currentData())

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()

    def save(self) -> bool:
        self._clear_errors()
        data = self.collect()
        try:
            with self.db.transaction() as s:
                if self.note_id is None:
                    self.note_id = notes.create_note(s, self.branch_id, data)
                else:
                    notes.update_note(s, self.note_id, data)
        except BranchBookError as exc:
            label = self.errors.get(exc.field or "", self.errors["title"])
            label.setText(exc.message)
            label.show()
            return False
        self.snapshot = data
        self.reload()
        self._select_row_of(self.note_id)
        self.delete_button.setEnabled(True)
        self.state_label.setText(f"已保存：{data.title.strip()}")
        self.changed.emit()
        return True

    def delete(self) -> None:
        if self.note_id is None:
            return
        if msgbox.ask(self, "删除学习笔记", f"确定删除学习笔记“{self.title_edit.text()}”吗？\n删除后移入回收站，30 天内可恢复。") \
                != QMessageBox.StandardButton.Yes:
            return
        with self.db.transaction() as s:
            notes.delete_note(s, self.note_id)
        self.snapshot = self.collect()  # deleted on purpose: nothing left to ask about
        self.reload()
        self.new_note()
        self.changed.emit()
