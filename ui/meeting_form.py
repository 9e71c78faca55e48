"""基本信息 of the meeting editor: type, date, times, place, people, theme. The form adapts to
the type (党课 → 授课人/党课题目, 党小组会 → 党小组, 支部党员大会 → 选举)."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QWidget,
)

from models.enums import MeetingType
from models.meetings import MeetingDetail, MeetingInput
from ui.look import error_label
from ui.widgets import with_error

NO_TIME = QTime(0, 0)


def _time_edit() -> QTimeEdit:
    edit = QTimeEdit()
    edit.setDisplayFormat("HH:mm")
    edit.setMinimumTime(NO_TIME)
    edit.setSpecialValueText("未填")  # 00:00 means "not given"
    edit.setTime(NO_TIME)
    return edit


def _people_combo() -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    return combo


class MeetingForm(QWidget):
    #: type, date or group changed: the 应到 list must be recomputed.
    expected_changed = Signal()
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.type_combo = QComboBox()
        for code, label in MeetingType.choices():
            self.type_combo.addItem(label, code)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        self.date_edit.setDate(QDate.currentDate())
        self.start_edit = _time_edit()
        self.end_edit = _time_edit()
        self.location_edit = QLineEdit()
        self.host_combo = _people_combo()
        self.recorder_combo = _people_combo()
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("如：2026年3月支部委员会")
        self.theme_edit = QLineEdit()
        self.group_combo = QComboBox()
        self.lecturer_combo = _people_combo()  # the members on the roll that day; any other name: from outside
        # A lecturer from outside who shares a member's name: the name alone would link the member.
        self.lecturer_outside_check = QCheckBox("外单位/非本支部授课人（不是本支部党员，不计入书记讲党课）")
        self.topic_edit = QLineEdit()
        self.election_check = QCheckBox("本次会议进行选举（须超过应到会有选举权党员的五分之四出席）")
        self.errors = {name: error_label() for name in ("title", "held_on", "end_time", "group_id")}

        self.form = QFormLayout(self)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        self.form.addRow("会议类型", self.type_combo)
        self.form.addRow("会议名称", with_error(self.title_edit, self.errors["title"]))
        self.form.addRow("党小组", with_error(self.group_combo, self.errors["group_id"]))
        self.form.addRow("会议日期", with_error(self.date_edit, self.errors["held_on"]))
        times = QWidget()
        row = QHBoxLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("开始"))
        row.addWidget(self.start_edit)
        row.addWidget(QLabel("结束"))
        row.addWidget(self.end_edit)
        row.addStretch(1)
        self.form.addRow("会议时间", with_error(times, self.errors["end_time"]))
        self.form.addRow("会议地点", self.location_edit)
        self.form.addRow("主持人", self.host_combo)
        self.form.addRow("记录人", self.recorder_combo)
        self.form.addRow("授课人", self.lecturer_combo)
        self.form.addRow("", self.lecturer_outside_check)
        self.form.addRow("党课题目", self.topic_edit)
        self.form.addRow("会议主题", self.theme_edit)
        self.form.addRow("", self.election_check)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.form.addRow("出席概况", self.summary)

        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.date_edit.dateChanged.connect(lambda _d: self.expected_changed.emit())
        self.group_combo.currentIndexChanged.connect(lambda _i: self.expected_changed.emit())
        for sig in (self.title_edit.textEdited, self.theme_edit.textEdited, self.location_edit.textEdited,
                    self.topic_edit.textEdited, self.host_combo.currentTextChanged,
                    self.recorder_combo.currentTextChanged, self.lecturer_combo.currentTextChanged,
                    self.start_edit.timeChanged, self.end_edit.timeChanged, self.election_check.toggled,
                    self.lecturer_outside_check.toggled):
            sig.connect(lambda *_a: self.changed.emit())
        self.lecturer_combo.currentTextChanged.connect(lambda _t: self._show_lecturer())
        self.lecturer_outside_check.toggled.connect(lambda _on: self._show_lecturer())
        self._adapt()

    # --- values -------------------------------------------------------------------------------
    def meeting_type(self) -> MeetingType:
        return MeetingType(self.type_combo.currentData())

    def held_on(self) -> date:
        q = self.date_edit.date()
        return date(q.year(), q.month(), q.day())

    def group_id(self) -> int | None:
        value = self.group_combo.currentData()
        return int(value) if value is not None else None

    def set_lecturers(self, people: list[tuple[int, str]]) -> None:
        """The members on the roll on the meeting date, offered as 授课人 (id, name)."""
        if [(self.lecturer_combo.itemData(i), self.lecturer_combo.itemText(i))
                for i in range(self.lecturer_combo.count())] == people:
            return
        text = self.lecturer_combo.currentText()
        self.lecturer_combo.blockSignals(True)
        self.lecturer_combo.clear()
        for member_id, name in people:
            self.lecturer_combo.addItem(name, member_id)
        self.lecturer_combo.setEditText(text)
        self.lecturer_combo.blockSignals(False)
        self._show_lecturer()

    def lecturer_member_id(self) -> int | None:
        """The 授课人 as a member when the name is one on the roll that day and the lecturer is not
        marked 外单位; None: an outside lecturer."""
        if self.lecturer_outside_check.isChecked():
            return None
        index = self.lecturer_combo.findText(self.lecturer_combo.currentText().strip())
        return int(self.lecturer_combo.itemData(index)) if index >= 0 else None

    def lecturer_label(self) -> str:
        """授课人, marked 支部以外 when the name is not one of the members on the roll that day."""
        outside = bool(self.lecturer_combo.currentText().strip()) and self.lecturer_member_id() is None
        return "授课人（支部以外）" if outside else "授课人"

    def _show_lecturer(self) -> None:
        label = self.form.labelForField(self.lecturer_combo)
        if isinstance(label, QLabel):
            label.setText(self.lecturer_label())
        self.lecturer_combo.setToolTip("从名单中选择本支部党员；填写名单以外的姓名即为支部以外的授课人。"
                                       "外单位授课人与本支部党员同名时，请勾选下方“外单位/非本支部授课人”。")

    def set_people(self, names: list[str], groups: list[tuple[int, str]]) -> None:
        for combo in (self.host_combo, self.recorder_combo):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setEditText(text)
            combo.blockSignals(False)
        current = self.group_combo.currentData()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem("（请选择党小组）", None)
        for gid, name in groups:
            self.group_combo.addItem(name, gid)
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(current), 0))
        self.group_combo.blockSignals(False)

    def preset(self, meeting_type: MeetingType, held_on: date, group_id: int | None) -> None:
        for w in (self.type_combo, self.date_edit, self.group_combo):
            w.blockSignals(True)
        self.type_combo.setCurrentIndex(self.type_combo.findData(str(meeting_type)))
        self.date_edit.setDate(QDate(held_on.year, held_on.month, held_on.day))
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(group_id), 0))
        for w in (self.type_combo, self.date_edit, self.group_combo):
            w.blockSignals(False)
        self._adapt()

    def fill(self, d: MeetingDetail) -> None:
        self.preset(d.meeting_type, d.held_on, d.group_id)
        self.title_edit.setText(d.title)
        self.start_edit.setTime(QTime(d.start_time.hour, d.start_time.minute) if d.start_time else NO_TIME)
        self.end_edit.setTime(QTime(d.end_time.hour, d.end_time.minute) if d.end_time else NO_TIME)
        self.location_edit.setText(d.location)
        self.host_combo.setEditText(d.host)
        self.recorder_combo.setEditText(d.recorder)
        self.lecturer_combo.setEditText(d.lecturer)
        self.lecturer_outside_check.setChecked(d.lecturer_outside)
        self.topic_edit.setText(d.lecture_topic)
        self.theme_edit.setText(d.theme)
        self.election_check.setChecked(d.is_election)

    @staticmethod
    def _time(edit: QTimeEdit) -> time | None:
        t = edit.time()
        return None if t == NO_TIME else time(t.hour(), t.minute())

    def fill_input(self, data: MeetingInput) -> None:
        """Copy the form's values into ``data``."""
        data.meeting_type = self.meeting_type()
        data.title = self.title_edit.text()
        data.held_on = self.held_on()
        data.start_time, data.end_time = self._time(self.start_edit), self._time(self.end_edit)
        data.location = self.location_edit.text()
        data.host = self.host_combo.currentText()
        data.recorder = self.recorder_combo.currentText()
        data.theme = self.theme_edit.text()
        data.group_id = self.group_id() if data.meeting_type == MeetingType.GROUP else None
        data.lecturer = self.lecturer_combo.currentText()
        data.lecturer_member_id = self.lecturer_member_id() if data.meeting_type == MeetingType.PARTY_LECTURE else None
        data.lecture_topic = self.topic_edit.text()
        data.is_election = self.election_check.isChecked() and data.meeting_type == MeetingType.GENERAL_ASSEMBLY

    # --- behaviour ----------------------------------------------------------------------------
    def _type_changed(self) -> None:
        self._adapt()
        self.expected_changed.emit()

    def _adapt(self) -> None:
        kind = self.meeting_type()
        self.form.setRowVisible(2, kind == MeetingType.GROUP)
        lecture = kind == MeetingType.PARTY_LECTURE
        for field in (self.lecturer_combo, self.lecturer_outside_check, self.topic_edit):
            self.form.setRowVisible(field, lecture)
        self.form.setRowVisible(self.election_check, kind == MeetingType.GENERAL_ASSEMBLY)

    def show_error(self, field: str, message: str) -> bool:
        label = self.errors.get(field)
        if label is None:
            return False
        label.setText(message)
        label.show()
        return True

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.type_combo, self.date_edit, self.start_edit, self.end_edit, self.group_combo,
                  self.host_combo, self.recorder_combo, self.lecturer_combo, self.election_check,
                  self.lecturer_outside_check):
            w.setEnabled(not read_only)
        for e in (self.title_edit, self.theme_edit, self.location_edit, self.topic_edit):
            e.setReadOnly(read_only)
