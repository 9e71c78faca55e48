"""议题与决议 in the meeting editor: an ordered list of agenda items, each with discussion,
resolution and an optional vote (赞成/反对/弃权); agenda templates per meeting type."""

from __future__ import annotations

import json
from functools import cache

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.enums import MeetingType
from models.meetings import AgendaInput
from models.paths import resource
from ui.look import icon


@cache
def agenda_templates() -> dict[str, list[dict[str, object]]]:
    """resources/templates/agenda_templates.json: {meeting type code: [{name, items}]}."""
    with resource("templates", "agenda_templates.json").open(encoding="utf-8") as fh:
        data: dict[str, list[dict[str, object]]] = json.load(fh)
    return data


def templates_for(meeting_type: MeetingType) -> list[tuple[str, list[str]]]:
    result = []
    for t in agenda_templates().get(str(meeting_type), []):
        items = t["items"]
        result.append((str(t["name"]), [str(i) for i in items] if isinstance(items, list) else []))
    return result


class AgendaEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[AgendaInput] = []
        self.meeting_type = MeetingType.COMMITTEE
        self.list = QListWidget()
        self.add_button = QPushButton(icon("add"), "添加议题")
        self.remove_button = QPushButton(icon("remove"), "删除议题")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.template_button = QPushButton(icon("template"), "使用议题模板")
        self.template_menu = QMenu(self)
        self.template_button.setMenu(self.template_menu)
        #: 未完成的落实事项 of earlier meetings become follow-up items (wired by the meeting editor).
        self.follow_up_button = QPushButton("列入未完成的落实事项")

        self.title_edit = QLineEdit()
        self.discussion_edit = QPlainTextEdit()
        self.resolution_edit = QPlainTextEdit()
        self.vote_check = QCheckBox("本议题进行表决")
        self.votes_for = QSpinBox()
        self.votes_against = QSpinBox()
        self.votes_abstain = QSpinBox()
        votes = QHBoxLayout()
        for label, spin in (("赞成", self.votes_for), ("反对", self.votes_against), ("弃权", self.votes_abstain)):
            spin.setRange(0, 9999)
            spin.setSuffix(" 票")
            spin.setPrefix(f"{label} ")
            votes.addWidget(spin)
        votes.addStretch(1)
        form_box = QWidget()
        form = QFormLayout(form_box)
        form.addRow("议题", self.title_edit)
        form.addRow("讨论情况", self.discussion_edit)
        form.addRow("决议", self.resolution_edit)
        form.addRow(self.vote_check)
        form.addRow("表决结果", votes)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.list, 1)
        buttons = QGridLayout()  # two rows of two: the tab stays narrow enough for a 1366×768 screen at 150 %
        for i, b in enumerate((self.add_button, self.remove_button, self.up_button, self.down_button)):
            buttons.addWidget(b, i // 2, i % 2)
        lv.addLayout(buttons)
        lv.addWidget(self.template_button)
        lv.addWidget(self.follow_up_button)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(form_box)
        splitter.setSizes([260, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.list.currentRowChanged.connect(self._show_item)
        self.add_button.clicked.connect(lambda: self.add_item("新议题"))
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.title_edit.textEdited.connect(self._store)
        self.discussion_edit.textChanged.connect(self._store)
        self.resolution_edit.textChanged.connect(self._store)
        self.vote_check.toggled.connect(self._vote_toggled)
        for spin in (self.votes_for, self.votes_against, self.votes_abstain):
            spin.valueChanged.connect(self._store)
        self._loading = False
        self.set_meeting_type(MeetingType.COMMITTEE)
        self._show_item(-1)

    # --- public ---------------------------------------------------------------------------------
    def set_items(self, items: list[AgendaInput]) -> None:
        self.items = [AgendaInput(**vars(i)) for i in items]
        self.list.clear()
        self.list.addItems([i.title for i in self.items])
        self.list.setCurrentRow(0 if self.items else -1)
        self._show_item(self.list.currentRow())

    def inputs(self) -> list[AgendaInput]:
        return [AgendaInput(**vars(i)) for i in self.items]

    def set_meeting_type(self, meeting_type: MeetingType) -> None:
        self.meeting_type = meeting_type
        self.template_menu.clear()
        templates = templates_for(meeting_type)
        for name, titles in templates:
            action = self.template_menu.addAction(name)
            action.triggered.connect(lambda _c=False, t=titles: self.apply_template(t))
        self.template_button.setEnabled(bool(templates) and self.isEnabled())

    def apply_template(self, titles: list[str]) -> None:
        """Append the template's items (a new meeting starts from them)."""
        for title in titles:
            self.add_item(title)
        self.list.setCurrentRow(0)

    def add_follow_ups(self, titles: list[str]) -> int:
        """Append “落实情况：…” items for open action items not on the agenda yet; returns how many."""
        present = {i.title for i in self.items}
        new = [f"落实情况：{t}" for t in titles if f"落实情况：{t}" not in present]
        for title in new:
            self.add_item(title)
        return len(new)

    def add_item(self, title: str) -> None:
        self.items.append(AgendaInput(title=title))
        self.list.addItem(title)
        self.list.setCurrentRow(len(self.items) - 1)
        self.title_edit.setFocus()
        self.title_edit.selectAll()
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        del self.items[row]
        self.list.takeItem(row)
        self._show_item(self.list.currentRow())
        self.changed.emit()

    # --- internals ------------------------------------------------------------------------------
    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < len(self.items):
            return
        self.items[row], self.items[target] = self.items[target], self.items[row]
        self.list.item(row).setText(self.items[row].title)
        self.list.item(target).setText(self.items[target].title)
        self.list.setCurrentRow(target)
        self.changed.emit()

    def _show_item(self, row: int) -> None:
        self._loading = True
        has = 0 <= row < len(self.items)
        item = self.items[row] if has else AgendaInput(title="")
        self.title_edit.setText(item.title)
        self.discussion_edit.setPlainText(item.discussion)
        self.resolution_edit.setPlainText(item.resolution)
        self.vote_check.setChecked(item.has_vote)
        self.votes_for.setValue(item.votes_for or 0)
        self.votes_against.setValue(item.votes_against or 0)
        self.votes_abstain.setValue(item.votes_abstain or 0)
        for w in (self.title_edit, self.discussion_edit, self.resolution_edit, self.vote_check):
            w.setEnabled(has)
        self._enable_votes()
        self._loading = False

    def _enable_votes(self) -> None:
        on = self.vote_check.isChecked() and self.vote_check.isEnabled()
        for spin in (self.votes_for, self.votes_against, self.votes_abstain):
            spin.setEnabled(on)

    def _vote_toggled(self, _on: bool) -> None:
        self._enable_votes()
        self._store()

    def _store(self) -> None:
        row = self.list.currentRow()
        if self._loading or not 0 <= row < len(self.items):
            return
        item = self.items[row]
        item.title = self.title_edit.text()
        item.discussion = self.discussion_edit.toPlainText()
        item.resolution = self.resolution_edit.toPlainText()
        if self.vote_check.isChecked():
            item.votes_for = self.votes_for.value()
            item.votes_against = self.votes_against.value()
            item.votes_abstain = self.votes_abstain.value()
        else:
            item.votes_for = item.votes_against = item.votes_abstain = None
        self.list.item(row).setText(item.title or "（未命名议题）")
        self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.add_button, self.remove_button, self.up_button, self.down_button, self.template_button,
                  self.follow_up_button):
            w.setEnabled(not read_only)
        self.title_edit.setReadOnly(read_only)
        self.discussion_edit.setReadOnly(read_only)
        self.resolution_edit.setReadOnly(read_only)
        self.vote_check.setEnabled(not read_only and self.list.currentRow() >= 0)
        self._enable_votes()
        if not read_only:
            self.template_button.setEnabled(bool(templates_for(self.meeting_type)))
