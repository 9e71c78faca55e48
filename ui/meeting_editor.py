"""The meeting editor (会议记录): one dialog for every meeting type. Save as draft (Ctrl+S),
定稿 (read-only afterwards), 解除定稿 with a reason, delete; unsaved changes are asked about on
close; a refused value is shown in Chinese next to its field and nothing is written."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models import meetings, roster
from models.db import Database
from models.enums import MeetingStatus, MeetingType
from models.errors import BranchBookError
from models.meeting_data import MeetingChangedError
from models.meetings import MeetingDetail, MeetingInput
from models.validation import format_date
from ui import msgbox
from ui.agenda_editor import AgendaEditor
from ui.attachments_panel import AttachmentsPanel
from ui.attendance_panel import AttendanceEntry, AttendancePanel
from ui.look import BANNER_STYLE, error_label, icon, show_read_only_fields, title_font
from ui.meeting_form import MeetingForm
from ui.punctuation_offer import PunctuationOffer
from ui.rows_table import RowsPanel, actions_model, guests_model
from ui.screen_fit import open_fitted, scrolling
from ui.settings import EDITOR_GEOMETRY, Settings
from ui.widgets import labelled

TAB_BASIC, TAB_ATTENDANCE, TAB_AGENDA, TAB_MINUTES, TAB_ACTIONS, TAB_ATTACHMENTS = range(6)
_FIELD_TABS = {"attendance": TAB_ATTENDANCE, "guests": TAB_ATTENDANCE, "agenda": TAB_AGENDA,
               "actions": TAB_ACTIONS, "attachment": TAB_ATTACHMENTS}


def ask_reason(parent: QWidget) -> str | None:
    """The 解除定稿 reason (tests replace this function); None when cancelled."""
    text, ok = QInputDialog.getText(parent, "解除定稿", "请填写解除定稿的原因（将记入操作日志）：")
    return text if ok else None


class MeetingEditor(QDialog):
    saved = Signal(int)
    deleted = Signal(int)

    def __init__(self, db: Database, branch_id: int, meeting_id: int | None = None, *,
                 meeting_type: MeetingType | None = None, held_on: date | None = None,
                 group_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id, self.meeting_id = db, branch_id, meeting_id
        self.status = MeetingStatus.DRAFT
        self.detail: MeetingDetail | None = None
        self._loading = True
        self._auto_title = ""
        self.setWindowTitle("会议记录")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.header = QLabel()
        self.header.setFont(title_font(self))
        self.banner = QLabel()
        self.banner.setObjectName("finalBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        # what the rules say about this record: incomplete list, nobody 应到, votes without a quorum
        self.rules_note = QLabel()
        self.rules_note.setObjectName("rulesNote")
        self.rules_note.setWordWrap(True)
        self.rules_note.setStyleSheet("color: #c62828;")
        self.rules_note.hide()
        self.form = MeetingForm()
        self.attendance = AttendancePanel()
        self.guests = RowsPanel(guests_model(self), "添加列席人员")
        self.agenda = AgendaEditor()
        self.minutes_edit = QPlainTextEdit()
        self.minutes_edit.setPlaceholderText("会议议程、发言要点、讨论情况和会议结论")
        self.material_edit = QPlainTextEdit()
        self.material_edit.setPlaceholderText("本次学习的文件、篇目或书目")
        self.actions_panel = RowsPanel(actions_model(self), "添加落实事项")
        self.attachments = AttachmentsPanel(db, self._ensure_saved)
        self.errors = {name: error_label() for name in ("attendance", "guests", "agenda", "actions", "status")}

        att_tab = QWidget()
        att_layout = QVBoxLayout(att_tab)
        att_layout.addWidget(self.attendance, 3)
        att_layout.addWidget(self.errors["attendance"])
        att_layout.addWidget(labelled("列席人员", self.guests), 1)
        att_layout.addWidget(self.errors["guests"])
        agenda_tab = QWidget()
        al = QVBoxLayout(agenda_tab)
        al.addWidget(self.agenda)
        al.addWidget(self.errors["agenda"])
        minutes_tab = QWidget()
        ml = QVBoxLayout(minutes_tab)
        ml.addWidget(labelled("会议内容", self.minutes_edit), 3)
        ml.addWidget(labelled("学习材料", self.material_edit), 1)
        self.punctuation_offer = PunctuationOffer([self.minutes_edit, self.material_edit])
        ml.addWidget(self.punctuation_offer)
        actions_tab = QWidget()
        xl = QVBoxLayout(actions_tab)
        xl.addWidget(self.actions_panel)
        xl.addWidget(self.errors["actions"])
        self.tabs = QTabWidget()
        for widget, title in ((scrolling(self.form), "基本信息"), (scrolling(att_tab), "出席情况"),
                              (scrolling(agenda_tab), "议题与决议"),
                              (minutes_tab, "会议内容"), (actions_tab, "落实事项"), (self.attachments, "附件")):
            self.tabs.addTab(widget, title)

        self.save_button = QPushButton(icon("save"), "保存草稿")
        self.save_button.setToolTip("保存草稿（Ctrl+S）")
        self.finalize_button = QPushButton(icon("finalize"), "定稿")
        self.unlock_button = QPushButton(icon("unlock"), "解除定稿")
        self.delete_button = QPushButton(icon("delete"), "删除")
        self.print_button = QPushButton(icon("print"), "打印…")
        self.close_button = QPushButton("关闭")
        buttons = QHBoxLayout()
        for b in (self.delete_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.unlock_button, self.finalize_button, self.save_button, self.close_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.rules_note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.errors["status"])
        layout.addLayout(buttons)

        self.save_button.clicked.connect(self.save)
        self.finalize_button.clicked.connect(self.finalize)
        self.unlock_button.clicked.connect(self.unlock)
        self.delete_button.clicked.connect(self.delete)
        self.print_button.clicked.connect(self.print_minutes)
        self.agenda.follow_up_button.clicked.connect(self.carry_open_actions)
        self.attendance.counts_changed.connect(self.form.summary.setText)
        self.attendance.counts_changed.connect(lambda _text: self._update_rules_note())
        self.agenda.changed.connect(self._update_rules_note)
        self.form.election_check.toggled.connect(self.attendance.set_election)
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_minutes)
        self.form.expected_changed.connect(self._expected_changed)
        self.form.title_edit.textEdited.connect(lambda _t: setattr(self, "_auto_title", ""))

        self._load_people()
        if meeting_id is not None:
            self._load(meeting_id)
        else:
            self.form.preset(meeting_type or MeetingType.COMMITTEE, held_on or date.today(), group_id)
            self._refresh_expected()
            self._suggest_title()
            self._show_state()
        self.snapshot = self.collect()
        self._loading = False
        open_fitted(self, QSize(1000, 720), Settings(), EDITOR_GEOMETRY)

    # --- loading --------------------------------------------------------------------------------
    def _load_people(self) -> None:
        """Read the roster once: the people combos and every later 应到 recount use it."""
        with self.db.reading() as s:
            self.roster_snapshot = roster.read_roster(s, self.branch_id)
            groups = [(g.id, g.name) for g in roster.list_groups(s, self.branch_id)]
        names = [m.name for m in self.roster_snapshot.members_on_roll(date.today())]
        self.form.set_people(names, groups)

    def _load(self, meeting_id: int) -> None:
        with self.db.reading() as s:
            d = meetings.get_meeting(s, meeting_id)
        self.detail, self.meeting_id, self.status = d, d.id, d.status
        self.form.fill(d)
        self.attendance.set_entries([
            AttendanceEntry(a.member_id, a.member_name, a.can_vote, a.status, a.leave_reason, a.reason_note,
                            a.late_note) for a in d.attendance])
        inputs = d.to_input()
        self.guests.model.set_rows(inputs.guests)
        self.agenda.set_items(inputs.agenda)
        self.agenda.set_meeting_type(d.meeting_type)
        self.actions_panel.model.set_rows(inputs.actions)
        self.minutes_edit.setPlainText(d.minutes)
        self.material_edit.setPlainText(d.study_material)
        self.attachments.load(d.id)
        if d.status != MeetingStatus.FINAL:
            self._add_unrecorded_from_roll()
        self._set_roll(d.meeting_type, d.held_on, d.group_id)
        self._show_state()

    def _add_unrecorded_from_roll(self) -> None:
        """A plan or draft lists every 应到 member of its date: those without a saved row appear
        as 未登记 (a plan saved before the roll was filled shows its people, not 应到 0)."""
        current = self.attendance.entries()
        listed = {e.member_id for e in current}
        expected = self.roster_snapshot.expected(self.form.meeting_type(), self.form.held_on(), self.form.group_id())
        missing = [AttendanceEntry(m.id, m.name, m.can_vote) for m in expected if m.id not in listed]
        if missing:
            self.attendance.set_entries(current + missing)

    def _refresh_expected(self) -> None:
        """Recompute 应到 for the chosen type, date and group, keeping marks already made.

        Runs on every date keystroke: it asks the roster read at opening, and rebuilds the rows
        only when the people (or their 表决权) actually changed."""
        kind, on, gid = self.form.meeting_type(), self.form.held_on(), self.form.group_id()
        expected = self.roster_snapshot.expected(kind, on, gid)
        current = self.attendance.entries()
        if [(m.id, m.can_vote) for m in expected] != [(e.member_id, e.can_vote) for e in current]:
            before = {e.member_id: e for e in current}
            entries = []
            for m in expected:
                old = before.get(m.id)
                entries.append(AttendanceEntry(m.id, m.name, m.can_vote, *(
                    (old.status, old.leave_reason, old.note, old.late_note) if old else ())))
            self.attendance.set_entries(entries)
        self._set_roll(kind, on, gid)
        self.agenda.set_meeting_type(kind)

    def _set_roll(self, kind: MeetingType, on: date, group_id: int | None) -> None:
        """应到 from the roll as of the meeting date: the counts, the quorum and the warnings use it."""
        expected = self.roster_snapshot.expected(kind, on, group_id)
        self.attendance.set_show_quorum(kind in (MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE),
                                        committee=kind == MeetingType.COMMITTEE)
        self.attendance.set_roll([(m.id, m.name, m.can_vote) for m in expected])
        self.form.set_lecturers([(m.id, m.name) for m in self.roster_snapshot.members_on_roll(on)])
        self._update_rules_note()

    def rules_warnings(self) -> list[str]:
        """What the rules say is wrong with the record as it stands (shown above the tabs)."""
        if self.attendance.roll is None:
            return []
        kind = self.form.meeting_type()
        found = []
        if kind != MeetingType.OTHER and not self.attendance.roll:
            found.append("当日没有应到人员（应到 0 人），这次会议不计入已召开的会议。请核对会议日期、类型或党员名册。")
        missing = self.attendance.missing_names()
        if self.meeting_id is not None:  # a saved record: rows still 未登记 are missing too
            missing += self.attendance.unrecorded_names()
        if missing:
            found.append(f"出席情况不完整：缺少{'、'.join(missing)}的出席情况，请在“出席情况”中补登；"
                         "出席情况不完整的会议不能认定达到法定人数。")
        if self.attendance.quorum_state() is False and any(i.has_vote for i in self.agenda.items):
            found.append("本次会议未达到法定人数，议题表决无效：表决结果照实记录，但不能认定为“通过”。")
        return found

    def _update_rules_note(self) -> None:
        warnings = self.rules_warnings()
        self.rules_note.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.rules_note.setVisible(bool(warnings))

    def _expected_changed(self) -> None:
        if self._loading or self.read_only:
            return
        self._refresh_expected()
        self._suggest_title()

    def _suggest_title(self) -> None:
        """A new meeting gets a title like “2026年3月支部委员会” until the user types one."""
        if self.meeting_id is not None:
            return
        current = self.form.title_edit.text()
        if current and current != self._auto_title:
            return
        on, kind = self.form.held_on(), self.form.meeting_type()
        label = "支部活动" if kind == MeetingType.OTHER else kind.label
        if kind == MeetingType.GROUP and self.form.group_id() is not None:
            label = f"{self.form.group_combo.currentText()}党小组会".replace("党小组党小组会", "党小组会")
        self._auto_title = f"{on.year}年{on.month}月{label}"
        self.form.title_edit.setText(self._auto_title)

    # --- state ----------------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self.status == MeetingStatus.FINAL

    def _show_state(self) -> None:
        d = self.detail
        if d is None:
            self.header.setText("新建会议记录")
        else:
            seq = f"{d.held_on.year}年第{d.sequence_no}次" if d.sequence_no else ""
            self.header.setText(f"{d.title}　{d.meeting_type.label}　{seq}　〔{self.status.label}〕")
        self.setWindowTitle(f"会议记录 — {d.title}" if d else "新建会议记录")
        ro = self.read_only
        if ro and d is not None and d.finalized_at is not None:
            self.banner.setText(f"本会议已于{format_date(d.finalized_at.date())}定稿，内容只读。"
                                "如确需修改，请点击“解除定稿”并填写原因。")
        self.banner.setVisible(ro)
        self.form.set_read_only(ro)
        self.attendance.set_read_only(ro)
        self.guests.set_read_only(ro)
        self.agenda.set_read_only(ro)
        self.actions_panel.set_read_only(ro)
        self.attachments.set_read_only(ro)
        for e in (self.minutes_edit, self.material_edit):
            e.setReadOnly(ro)
        show_read_only_fields(self)
        self.save_button.setEnabled(not ro)
        self.finalize_button.setVisible(not ro)
        self.finalize_button.setEnabled(self.meeting_id is not None or not ro)
        self.unlock_button.setVisible(ro)
        self.delete_button.setEnabled(self.meeting_id is not None and not ro)
        self.print_button.setEnabled(self.meeting_id is not None)
        self.tabs.setTabText(TAB_ATTENDANCE, f"出席情况（{len(self.attendance.entries())}）")

    def collect(self) -> MeetingInput:
        data = MeetingInput(meeting_type=self.form.meeting_type(), title="", held_on=None)
        self.form.fill_input(data)
        planned = self.meeting_id is None or self.status == MeetingStatus.PLANNED
        future = data.held_on is not None and data.held_on > date.today()
        data.status = MeetingStatus.PLANNED if planned and future else MeetingStatus.DRAFT
        data.minutes = self.minutes_edit.toPlainText()
        data.study_material = self.material_edit.toPlainText()
        data.attendance = self.attendance.inputs()
        data.guests = [type(g)(**vars(g)) for g in self.guests.model.rows]
        data.agenda = self.agenda.inputs()
        data.actions = [type(a)(**vars(a)) for a in self.actions_panel.model.rows]
        data.expected_version = self.detail.version if self.detail is not None else None
        return data

    def is_dirty(self) -> bool:
        return not self.read_only and self.collect() != self.snapshot

    # --- errors ---------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        self.form.clear_errors()
        for label in self.errors.values():
            label.hide()

    def show_error(self, exc: BranchBookError) -> None:
        """Put the message next to the field it names, and bring that field into view."""
        field = exc.field or "status"
        if self.form.show_error(field, exc.message):
            self.tabs.setCurrentIndex(TAB_BASIC)
            return
        label = self.errors.get(field, self.errors["status"])
        label.setText(exc.message)
        label.show()
        if field in _FIELD_TABS:
            self.tabs.setCurrentIndex(_FIELD_TABS[field])

    # --- actions --------------------------------------------------------------------------------
    def save(self) -> bool:
        """保存草稿: validate and write; on a refusal nothing is written and the field says why."""
        if self.read_only:
            return False
        self.clear_errors()
        data = self.collect()
        try:
            with self.db.transaction() as s:
                if self.meeting_id is None:
                    self.meeting_id = meetings.create_meeting(s, self.branch_id, data)
                else:
                    meetings.update_meeting(s, self.meeting_id, data)
        except MeetingChangedError as exc:  # someone else saved first: show theirs, keep our text at hand
            QApplication.clipboard().setText(data.minutes)
            msgbox.warn(self, "会议已被其他人修改", exc.message + "\n\n您填写的会议内容已复制到剪贴板，可粘贴回来。")
            self._reload_after_write()
            return False
        except BranchBookError as exc:
            if self.detail is None:
                self.meeting_id = None
            self.show_error(exc)
            return False
        self._reload_after_write()
        return True

    def _reload_after_write(self) -> None:
        assert self.meeting_id is not None
        self._loading = True
        self._load(self.meeting_id)
        self.snapshot = self.collect()
        self._loading = False
        self.saved.emit(self.meeting_id)

    def _ensure_saved(self) -> int | None:
        if (self.meeting_id is None or self.is_dirty()) and not self.save():
            return None
        return self.meeting_id

    def finalize(self) -> None:
        unrecorded = self.attendance.unrecorded_names()
        if unrecorded and not self.read_only:
            self.clear_errors()
            names = "、".join(unrecorded[:5]) + ("等" if len(unrecorded) > 5 else "")
            self.show_error(BranchBookError(
                f"还有 {len(unrecorded)} 人未登记出席情况（{names}），请逐一选择出席、请假或缺席"
                "（或点“全部出席”后再改个别人），然后定稿。", field="attendance"))
            return
        if self._ensure_saved() is None:
            return
        self.clear_errors()
        assert self.meeting_id is not None
        try:
            with self.db.transaction() as s:
                meetings.finalize_meeting(s, self.meeting_id)
        except BranchBookError as exc:
            self.show_error(exc)
            return
        self._reload_after_write()

    def unlock(self) -> None:
        if not self.read_only or self.meeting_id is None:
            return
        reason = ask_reason(self)
        if reason is None:
            return
        self.clear_errors()
        try:
            with self.db.transaction() as s:
                meetings.unlock_meeting(s, self.meeting_id, reason)
        except BranchBookError as exc:
            self.show_error(exc)
            return
        self._reload_after_write()

    def delete(self) -> None:
        if self.meeting_id is None or self.read_only:
            return
        title = self.form.title_edit.text()
        answer = msgbox.ask(self, "删除会议记录", f"确定删除会议记录“{title}”吗？\n删除后移入回收站，30 天内可在“文件 → 回收站”中恢复。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            with self.db.transaction() as s:
                meetings.delete_meeting(s, self.meeting_id)
        except BranchBookError as exc:
            self.show_error(exc)
            return
        deleted, self.meeting_id = self.meeting_id, None
        self.snapshot = self.collect()
        self.deleted.emit(deleted)
        self.accept()

    def carry_open_actions(self) -> int:
        """Open 落实事项 of earlier meetings go onto this meeting's agenda (SPEC §2 ActionItem)."""
        with self.db.reading() as s:
            rows = meetings.open_action_items(s, self.branch_id, before=self.form.held_on())
        added = self.agenda.add_follow_ups([r.title + (f"（{r.owner}）" if r.owner else "") for r in rows])
        if not added:
            msgbox.inform(self, "落实事项", "没有需要列入的未完成落实事项。")
        return added

    def print_minutes(self) -> None:
        if self._ensure_saved() is None:
            return
        from ui.preview import preview_report

        preview_report(self, self.db, "minutes", branch_id=self.branch_id, meeting_id=self.meeting_id)

    # --- closing --------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty():
            answer = msgbox.ask_unsaved(self, "会议记录有未保存的修改，是否保存？")
            if answer == QMessageBox.StandardButton.Cancel or (
                    answer == QMessageBox.StandardButton.Save and not self.save()):
                event.ignore()
                return
        event.accept()

    def reject(self) -> None:
        """Esc goes through the same unsaved-changes question as the close button."""
        self.close()
