"""The meeting editor driven as a secretary would: typing, choosing, clicking, then the records
read back through the services."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QDate, QPoint, Qt, QTime
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from models import audit, meetings, roster
from models.attachments import get_attachment
from models.db import Database
from models.enums import (
    ActionStatus,
    AttendanceStatus,
    AuditAction,
    LeaveReason,
    MeetingStatus,
    MeetingType,
    MembershipState,
)
from models.errors import BranchBookError
from models.meetings import ActionInput
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting, ime_type, retype
from ui import meeting_editor, msgbox
from ui.look import READ_ONLY_BACKGROUND
from ui.meeting_editor import TAB_AGENDA, TAB_ATTENDANCE, MeetingEditor

# shared fixtures (see gui_support)
answer = gui_support.answer
branch = gui_support.branch

DAY = date.today() - timedelta(days=3)


def make_editor(qtbot: QtBot, db: Database, branch_id: int, meeting_id: int | None = None,
                **preset: object) -> MeetingEditor:
    editor = MeetingEditor(db, branch_id, meeting_id, **preset)  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    with qtbot.waitActive(editor):  # shortcuts (Ctrl+S) need the active window
        editor.show()
        editor.activateWindow()
    return editor


def choose(combo: object, data: object) -> None:
    index = combo.findData(data)  # type: ignore[attr-defined]
    assert index >= 0, data
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    retype(widget, text)


def set_date(editor: MeetingEditor, day: date) -> None:
    editor.form.date_edit.setDate(QDate(day.year, day.month, day.day))


def all_present(qtbot: QtBot, editor: MeetingEditor) -> None:
    """The bulk step: a new meeting's attendance starts 未登记."""
    qtbot.mouseClick(editor.attendance.all_present_button, Qt.MouseButton.LeftButton)


def fill_for_final(qtbot: QtBot, editor: MeetingEditor) -> None:
    all_present(qtbot, editor)
    type_into(qtbot, editor.form.host_combo.lineEdit(), "王书记")
    type_into(qtbot, editor.form.recorder_combo.lineEdit(), "李组织")
    editor.tabs.setCurrentIndex(3)
    ime_type(editor.minutes_edit, "会议传达了上级精神，研究了本月工作。")


def test_committee_meeting_with_leave_reasons_and_a_vote(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                         answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id)
    choose(editor.form.type_combo, str(MeetingType.COMMITTEE))
    set_date(editor, DAY)
    type_into(qtbot, editor.form.title_edit, "支委会研究发展党员")
    editor.form.start_edit.setTime(QTime(9, 0))
    editor.form.end_edit.setTime(QTime(10, 30))
    type_into(qtbot, editor.form.location_edit, "三楼会议室")

    panel = editor.attendance
    assert [e.name for e in panel.entries()] == ["王书记", "李组织", "张宣传"]  # committee only
    all_present(qtbot, editor)
    row = panel.row_of("张宣传")
    choose(panel.status_combo(row), str(AttendanceStatus.LEAVE))
    assert panel.reason_combo(row).isEnabled()
    choose(panel.reason_combo(row), str(LeaveReason.OFFICIAL))
    ime_type(panel.note_edit(row), "市里开会")
    assert "应到 3 人，实到 2 人，请假 1 人，缺席 0 人" in panel.counts_label.text()

    editor.tabs.setCurrentIndex(TAB_AGENDA)
    qtbot.mouseClick(editor.agenda.add_button, Qt.MouseButton.LeftButton)
    type_into(qtbot, editor.agenda.title_edit, "确定发展对象")
    ime_type(editor.agenda.resolution_edit, "同意列为发展对象")
    editor.agenda.vote_check.setChecked(True)
    editor.agenda.votes_for.setValue(2)

    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.meeting_id is not None
    assert not editor.is_dirty()
    with db.reading() as s:
        d = meetings.get_meeting(s, editor.meeting_id)
    assert (d.title, d.meeting_type, d.held_on, d.location) == ("支委会研究发展党员", MeetingType.COMMITTEE, DAY, "三楼会议室")
    assert d.start_time is not None and d.start_time.hour == 9 and d.end_time.minute == 30  # type: ignore[union-attr]
    leave = next(a for a in d.attendance if a.member_name == "张宣传")
    assert (leave.status, leave.leave_reason, leave.reason_note) == (AttendanceStatus.LEAVE, LeaveReason.OFFICIAL, "市里开会")
    assert d.agenda[0].title == "确定发展对象" and (d.agenda[0].votes_for, d.agenda[0].votes_against) == (2, 0)

    again = make_editor(qtbot, db, branch.branch_id, editor.meeting_id)
    assert again.form.title_edit.text() == "支委会研究发展党员"
    assert again.attendance.status_combo(again.attendance.row_of("张宣传")).currentText() == "请假"
    assert again.agenda.votes_for.value() == 2 and again.agenda.vote_check.isChecked()
    assert not again.is_dirty()


@pytest.mark.parametrize("kind", list(MeetingType))
def test_every_type_saves_with_its_expected_members(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                     answer: list, kind: MeetingType) -> None:
    editor = make_editor(qtbot, db, branch.branch_id)
    choose(editor.form.type_combo, str(kind))
    set_date(editor, DAY)
    assert editor.form.form.isRowVisible(editor.form.lecturer_combo) == (kind == MeetingType.PARTY_LECTURE)
    assert editor.form.form.isRowVisible(editor.form.group_combo.parentWidget()) == (kind == MeetingType.GROUP)
    if kind == MeetingType.GROUP:
        choose(editor.form.group_combo, branch.group_b)
    if kind == MeetingType.PARTY_LECTURE:
        type_into(qtbot, editor.form.lecturer_combo.lineEdit(), "王书记")
        type_into(qtbot, editor.form.topic_edit, "学习党章")
    all_present(qtbot, editor)
    assert editor.save(), [label.text() for label in editor.form.errors.values()]
    with db.reading() as s:
        d = meetings.get_meeting(s, editor.meeting_id)  # type: ignore[arg-type]
        expected = roster.expected_attendees(s, branch.branch_id, kind, DAY, d.group_id)
    assert d.meeting_type == kind and d.status == MeetingStatus.DRAFT
    assert sorted(a.member_id for a in d.attendance) == sorted(m.id for m in expected)
    suggested = {MeetingType.GROUP: "第二党小组会", MeetingType.OTHER: "支部活动"}.get(kind, kind.label)
    assert d.title == f"{DAY.year}年{DAY.month}月{suggested}"
    if kind == MeetingType.PARTY_LECTURE:
        assert (d.lecturer, d.lecture_topic) == ("王书记", "学习党章")
        assert d.lecturer_member_id == branch.secretary  # a name on the roll is that member
        assert editor.form.lecturer_label() == "授课人"
    if kind == MeetingType.GROUP:
        assert d.group_id == branch.group_b and len(d.attendance) == 4


def test_attendance_follows_type_and_group_and_keeps_marks(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                            answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.GROUP, held_on=DAY,
                         group_id=branch.group_a)
    panel = editor.attendance
    assert {e.name for e in panel.entries()} == {"王书记", "李组织", "赵一", "钱二"}
    choose(panel.status_combo(panel.row_of("赵一")), str(AttendanceStatus.ABSENT))
    choose(editor.form.type_combo, str(MeetingType.THEME_DAY))
    assert len(panel.entries()) == 8
    assert panel.status_combo(panel.row_of("赵一")).currentText() == "缺席"  # the mark survived
    qtbot.mouseClick(panel.all_present_button, Qt.MouseButton.LeftButton)
    assert all(e.status == AttendanceStatus.PRESENT for e in panel.entries())
    assert editor.tabs.tabText(TAB_ATTENDANCE).startswith("出席情况")


def test_general_assembly_shows_live_quorum_of_voting_members(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                               answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.GENERAL_ASSEMBLY, held_on=DAY)
    panel = editor.attendance
    assert not panel.quorum_label.isHidden()
    all_present(qtbot, editor)
    # 8 expected, 7 with a vote (the 预备党员 has none): quorum needs 4 voting members present.
    assert panel.quorum_label.text() == "应到有表决权 7 人，实到 7 人，达到法定人数"
    for name in ("赵一", "钱二", "孙三"):
        choose(panel.status_combo(panel.row_of(name)), str(AttendanceStatus.ABSENT))
    assert panel.quorum_label.text() == "应到有表决权 7 人，实到 4 人，达到法定人数"
    choose(panel.status_combo(panel.row_of("吴预备")), str(AttendanceStatus.ABSENT))
    assert "实到 4 人，达到" in panel.quorum_label.text()  # no vote: does not count
    choose(panel.status_combo(panel.row_of("周四")), str(AttendanceStatus.ABSENT))
    assert panel.quorum_label.text() == "应到有表决权 7 人，实到 3 人，未达到法定人数"
    assert editor.form.summary.text() == "应到 8 人，实到 3 人，请假 0 人，缺席 5 人；应到有表决权 7 人，实到 3 人，未达到法定人数"
    choose(editor.form.type_combo, str(MeetingType.COMMITTEE))  # a 支委会 counts its committee members
    assert not panel.quorum_label.isHidden() and panel.quorum_label.text().startswith("应到支委")
    choose(editor.form.type_combo, str(MeetingType.THEME_DAY))
    assert panel.quorum_label.isHidden()


def test_election_needs_four_fifths_of_voting_members(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                       answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.GENERAL_ASSEMBLY, held_on=DAY)
    panel = editor.attendance
    all_present(qtbot, editor)
    for name in ("赵一", "钱二"):  # 5 of 7 voting members present: a majority, but not more than 4/5
        choose(panel.status_combo(panel.row_of(name)), str(AttendanceStatus.ABSENT))
    assert panel.quorum_label.text() == "应到有表决权 7 人，实到 5 人，达到法定人数"
    editor.form.election_check.setChecked(True)
    assert panel.quorum_label.text() == "应到有表决权 7 人，实到 5 人，未达到选举所需人数（须超过五分之四）"
    assert "未达到选举所需人数" in editor.form.summary.text()
    choose(panel.status_combo(panel.row_of("赵一")), str(AttendanceStatus.PRESENT))
    choose(panel.status_combo(panel.row_of("钱二")), str(AttendanceStatus.PRESENT))
    assert panel.quorum_label.text() == "应到有表决权 7 人，实到 7 人，达到选举所需人数"
    editor.form.election_check.setChecked(False)
    assert panel.quorum_label.text() == "应到有表决权 7 人，实到 7 人，达到法定人数"


def test_date_change_follows_the_roll_without_redrawing_unchanged_rows(
        qtbot: QtBot, db: Database, branch: SmallBranch, answer: list) -> None:
    left_on = DAY - timedelta(days=10)
    with db.transaction() as s:
        roster.add_status(s, branch.members["周四"], MembershipState.TRANSFERRED_OUT, left_on)
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.THEME_DAY, held_on=DAY)
    panel = editor.attendance
    assert "周四" not in {e.name for e in panel.entries()} and len(panel.entries()) == 7
    row = panel.row_of("赵一")
    note = panel.note_edit(row)
    ime_type(note, "迟到十分钟")
    set_date(editor, DAY - timedelta(days=1))  # same people: the rows (and what was typed) stay as they are
    assert panel.note_edit(panel.row_of("赵一")) is note and note.text() == "迟到十分钟"
    set_date(editor, left_on - timedelta(days=1))  # before the transfer: 周四 is expected again
    assert "周四" in {e.name for e in panel.entries()} and len(panel.entries()) == 8
    assert panel.note_edit(panel.row_of("赵一")).text() == "迟到十分钟"
    # the host list is who is on the roll today
    assert editor.form.host_combo.findText("周四") < 0 and editor.form.host_combo.findText("赵一") >= 0


def _background(field: QWidget) -> str:
    """The colour a person sees inside the field, away from its text."""
    image = field.grab().toImage()
    return image.pixelColor(image.width() - 6, image.height() // 2).name()


def test_finalize_makes_it_read_only_and_unlock_is_logged(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                           answer: list, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.COMMITTEE, held_on=DAY)
    fill_for_final(qtbot, editor)
    qtbot.mouseClick(editor.finalize_button, Qt.MouseButton.LeftButton)
    assert editor.status == MeetingStatus.FINAL
    with db.reading() as s:
        assert meetings.get_meeting(s, editor.meeting_id).status == MeetingStatus.FINAL  # type: ignore[arg-type]
    assert not editor.banner.isHidden() and "只读" in editor.banner.text()
    assert editor.form.title_edit.isReadOnly() and editor.minutes_edit.isReadOnly()
    assert not editor.save_button.isEnabled() and not editor.form.type_combo.isEnabled()
    assert _background(editor.form.title_edit) == READ_ONLY_BACKGROUND  # looks read-only, too
    ime_type(editor.form.title_edit, "改动")
    assert not editor.save() and not editor.is_dirty()
    with db.transaction() as s, pytest.raises(BranchBookError, match="已定稿"):
        meetings.update_meeting(s, editor.meeting_id, editor.collect())  # type: ignore[arg-type]

    monkeypatch.setattr(meeting_editor, "ask_reason", lambda _parent: "记录人笔误，需更正")
    qtbot.mouseClick(editor.unlock_button, Qt.MouseButton.LeftButton)
    assert editor.status == MeetingStatus.DRAFT and not editor.form.title_edit.isReadOnly()
    assert _background(editor.form.title_edit) != READ_ONLY_BACKGROUND
    with db.reading() as s:
        entries = audit.list_entries(s, limit=5)
    assert entries[0].action == AuditAction.UNLOCK and "记录人笔误，需更正" in entries[0].summary


def test_finalize_refused_names_what_is_missing(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.PARTY_LECTURE, held_on=DAY)
    all_present(qtbot, editor)
    qtbot.mouseClick(editor.finalize_button, Qt.MouseButton.LeftButton)
    assert not editor.errors["status"].isHidden()
    assert "主持人" in editor.errors["status"].text() and "授课人" in editor.errors["status"].text()
    with db.reading() as s:
        assert meetings.get_meeting(s, editor.meeting_id).status == MeetingStatus.DRAFT  # type: ignore[arg-type]


def test_validation_error_shows_next_to_field_and_writes_nothing(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                                 answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.COMMITTEE, held_on=DAY)
    editor.form.title_edit.clear()
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.form.errors["title"].isVisible()
    assert editor.form.errors["title"].text() == "会议名称不能为空，请填写会议名称。"
    assert editor.meeting_id is None
    type_into(qtbot, editor.form.title_edit, "支委会")
    editor.form.start_edit.setTime(QTime(10, 0))
    editor.form.end_edit.setTime(QTime(9, 0))
    assert not editor.save()
    assert not editor.form.errors["title"].isVisible()
    assert "结束时间应晚于开始时间" in editor.form.errors["end_time"].text()
    choose(editor.form.type_combo, str(MeetingType.GROUP))
    editor.form.end_edit.setTime(QTime(11, 0))
    assert not editor.save()
    assert "党小组" in editor.form.errors["group_id"].text() and editor.form.errors["group_id"].isVisible()
    with db.reading() as s:
        assert meetings.list_meetings(s, branch.branch_id) == []


def test_leave_without_reason_is_refused_on_the_attendance_tab(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                               answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.COMMITTEE, held_on=DAY)
    choose(editor.attendance.status_combo(0), str(AttendanceStatus.LEAVE))
    assert not editor.save()
    assert editor.tabs.currentIndex() == TAB_ATTENDANCE
    assert "请假原因" in editor.errors["attendance"].text() and not editor.errors["attendance"].isHidden()
    with db.reading() as s:
        assert meetings.list_meetings(s, branch.branch_id) == []


def test_unsaved_changes_are_asked_about_on_close(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                  answer: list) -> None:
    mid = add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, DAY, "原来的名称")
    editor = make_editor(qtbot, db, branch.branch_id, mid)
    editor.close()  # nothing changed: no question
    assert msgbox.ASKED == []
    editor = make_editor(qtbot, db, branch.branch_id, mid)
    type_into(qtbot, editor.form.title_edit, "新的名称")
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Cancel
    assert not editor.close() and editor.isVisible()
    assert msgbox.ASKED[-1] == "会议记录有未保存的修改，是否保存？"
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Discard
    assert editor.close()
    with db.reading() as s:
        assert meetings.get_meeting(s, mid).title == "原来的名称"
    editor = make_editor(qtbot, db, branch.branch_id, mid)
    type_into(qtbot, editor.form.title_edit, "新的名称")
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Save
    assert editor.close()
    with db.reading() as s:
        assert meetings.get_meeting(s, mid).title == "新的名称"


def test_delete_asks_first(qtbot: QtBot, db: Database, branch: SmallBranch, answer: list) -> None:
    mid = add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, DAY, "要删除的会议")
    editor = make_editor(qtbot, db, branch.branch_id, mid)
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.No
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    with db.reading() as s:
        assert len(meetings.list_meetings(s, branch.branch_id)) == 1
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(editor.deleted):
        qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert "要删除的会议" in msgbox.ASKED[-1]
    with db.reading() as s:
        assert meetings.list_meetings(s, branch.branch_id) == []


def test_agenda_template_prefills_a_new_meeting(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.GENERAL_ASSEMBLY, held_on=DAY)
    menu = editor.agenda.template_menu
    names = [a.text() for a in menu.actions()]
    assert "接收预备党员" in names
    menu.actions()[names.index("接收预备党员")].trigger()
    titles = [a.title for a in editor.agenda.inputs()]
    assert titles[0] == "介绍人介绍发展对象情况" and "无记名投票表决" in titles
    editor.agenda.list.setCurrentRow(1)
    qtbot.mouseClick(editor.agenda.up_button, Qt.MouseButton.LeftButton)
    assert editor.agenda.inputs()[0].title == "发展对象汇报对党的认识、入党动机和个人履历"
    assert editor.save()
    with db.reading() as s:
        assert len(meetings.get_meeting(s, editor.meeting_id).agenda) == len(titles)  # type: ignore[arg-type]


def test_photo_of_sign_in_sheet_is_attached_downscaled(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                       answer: list, tmp_path: Path) -> None:
    photo = tmp_path / "签到表.png"
    Image.new("RGB", (3000, 1500), "white").save(photo)
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.COMMITTEE, held_on=DAY)
    assert editor.attachments.add_file(photo)  # saves the new meeting first
    assert editor.meeting_id is not None and editor.attachments.list.count() == 1
    with db.reading() as s:
        att = meetings.get_meeting(s, editor.meeting_id).attachments[0]
    assert att.filename == "签到表.jpg" and att.mime_type == "image/jpeg"
    editor.attachments.list.setCurrentRow(0)
    viewer = editor.attachments.view_current()
    assert viewer is not None and viewer.windowTitle() == "签到表.jpg"
    viewer.close()
    missing = tmp_path / "不存在.jpg"
    assert not editor.attachments.add_file(missing)
    assert "无法读取文件" in editor.attachments.error.text()
    editor.attachments.list.setCurrentRow(0)
    copy = editor.attachments.save_copy(tmp_path / "签到表副本.jpg")
    with db.reading() as s:
        stored = get_attachment(s, att.id).data
    assert copy is not None and copy.read_bytes() == stored and editor.attachments.error.isHidden()
    nowhere = tmp_path / "没有这个文件夹" / "签到表.jpg"
    assert editor.attachments.save_copy(nowhere) is None  # refused in Chinese, not a crash dialog
    assert editor.attachments.error.text().startswith(f"无法保存到“{nowhere}”")


def test_unsaved_prompt_buttons_read_save_dont_save_cancel(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_exec(box: QMessageBox) -> int:
        seen.append([b.text() for b in box.buttons()])
        return int(QMessageBox.StandardButton.Cancel)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    msgbox.AUTO_ANSWER = None
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.COMMITTEE, held_on=DAY)
    ime_type(editor.minutes_edit, "未保存")
    assert not editor.close()
    assert sorted(seen[0]) == sorted(["保存", "不保存", "取消"])
    editor.snapshot = editor.collect()  # let the test close it


def test_open_action_items_become_follow_up_agenda_items(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                         answer: list) -> None:
    add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, DAY - timedelta(days=30), "上月支委会",
                actions=[ActionInput("整改学习台账", owner="李组织"), ActionInput("已办完", status=ActionStatus.DONE)])
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.COMMITTEE, held_on=DAY)
    qtbot.mouseClick(editor.agenda.follow_up_button, Qt.MouseButton.LeftButton)
    assert [a.title for a in editor.agenda.inputs()] == ["落实情况：整改学习台账（李组织）"]
    assert editor.carry_open_actions() == 0  # not twice
    assert msgbox.ASKED[-1] == "没有需要列入的未完成落实事项。"


def test_half_width_punctuation_is_offered_full_width(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                    answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id)
    editor.tabs.setCurrentIndex(3)
    offer = editor.punctuation_offer
    assert not offer.isVisible()
    ime_type(editor.minutes_edit, "会议指出,要加强学习;同时要抓落实!")
    assert offer.isVisible() and "3 处" in offer.label.text()
    qtbot.mouseClick(offer.button, Qt.MouseButton.LeftButton)
    assert editor.minutes_edit.toPlainText() == "会议指出，要加强学习；同时要抓落实！"
    assert not offer.isVisible()
    editor.minutes_edit.undo()  # one step back to what was typed
    assert editor.minutes_edit.toPlainText() == "会议指出,要加强学习;同时要抓落实!"


def test_a_new_meeting_marks_nobody_present_by_accident(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                        answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id, meeting_type=MeetingType.COMMITTEE, held_on=DAY)
    panel = editor.attendance
    assert [panel.status_combo(r).currentText() for r in range(3)] == ["未登记"] * 3
    assert panel.counts_label.text() == "应到 3 人，实到 0 人，请假 0 人，缺席 0 人，未登记 3 人"
    choose(panel.status_combo(panel.row_of("张宣传")), str(AttendanceStatus.ABSENT))
    assert editor.save()  # a draft may wait for the rest: 未登记 rows are not written
    with db.reading() as s:
        d = meetings.get_meeting(s, editor.meeting_id)  # type: ignore[arg-type]
    assert [(a.member_name, a.status) for a in d.attendance] == [("张宣传", AttendanceStatus.ABSENT)]

    again = make_editor(qtbot, db, branch.branch_id, editor.meeting_id)  # reopened: still 未登记, not 出席
    rows = {e.name: e.status for e in again.attendance.entries()}
    assert rows == {"王书记": None, "李组织": None, "张宣传": AttendanceStatus.ABSENT}
    assert not again.is_dirty()
    fill_for_final(qtbot, again)  # clicks 全部出席: everyone, including 张宣传
    choose(again.attendance.status_combo(again.attendance.row_of("张宣传")), str(AttendanceStatus.ABSENT))
    choose(again.attendance.status_combo(again.attendance.row_of("李组织")), "")  # back to 未登记
    qtbot.mouseClick(again.finalize_button, Qt.MouseButton.LeftButton)
    assert again.status == MeetingStatus.DRAFT and again.tabs.currentIndex() == TAB_ATTENDANCE
    assert "还有 1 人未登记出席情况（李组织）" in again.errors["attendance"].text()
    choose(again.attendance.status_combo(again.attendance.row_of("李组织")), str(AttendanceStatus.PRESENT))
    qtbot.mouseClick(again.finalize_button, Qt.MouseButton.LeftButton)
    assert again.status == MeetingStatus.FINAL
    with db.reading() as s:
        d = meetings.get_meeting(s, again.meeting_id)  # type: ignore[arg-type]
    assert sorted((a.member_name, a.status) for a in d.attendance) == [
        ("张宣传", AttendanceStatus.ABSENT), ("李组织", AttendanceStatus.PRESENT), ("王书记", AttendanceStatus.PRESENT)]


def test_a_lecturer_not_on_the_roll_is_an_outside_lecturer(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                           answer: list) -> None:
    editor = make_editor(qtbot, db, branch.branch_id)
    choose(editor.form.type_combo, str(MeetingType.PARTY_LECTURE))
    set_date(editor, DAY)
    combo = editor.form.lecturer_combo
    assert "王书记" in [combo.itemText(i) for i in range(combo.count())]  # the roll that day is offered
    type_into(qtbot, combo.lineEdit(), "市委党校教授")
    type_into(qtbot, editor.form.topic_edit, "学习党章")
    label = editor.form.form.labelForField(combo)
    assert label.text() == "授课人（支部以外）"  # type: ignore[union-attr]
    all_present(qtbot, editor)
    assert editor.save()
    with db.reading() as s:
        d = meetings.get_meeting(s, editor.meeting_id)  # type: ignore[arg-type]
    assert (d.lecturer, d.lecturer_member_id) == ("市委党校教授", None)


def test_two_editors_on_one_meeting_the_later_save_shows_the_newer_version(
        qtbot: QtBot, db: Database, branch: SmallBranch, answer: list[QMessageBox.StandardButton]) -> None:
    """Two secretaries open the same meeting; the first saves; the second's save is refused with a
    message, the second editor then shows the first one's text, and what the second typed is on the
    clipboard (issue 15: never a silent overwrite)."""
    from PySide6.QtWidgets import QApplication

    mid = add_meeting(db, branch.branch_id, MeetingType.OTHER, DAY, "谈心谈话", minutes="初稿")
    first = make_editor(qtbot, db, branch.branch_id, mid)
    second = make_editor(qtbot, db, branch.branch_id, mid)
    retype(first.minutes_edit, "甲写的会议内容")
    qtbot.mouseClick(first.save_button, Qt.MouseButton.LeftButton)
    retype(second.minutes_edit, "乙写的会议内容")
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    assert any("已被其他人修改" in text for text in msgbox.ASKED)
    assert second.minutes_edit.toPlainText() == "甲写的会议内容"
    assert QApplication.clipboard().text() == "乙写的会议内容"
    with db.reading() as s:
        assert meetings.get_meeting(s, mid).minutes == "甲写的会议内容"
    retype(second.minutes_edit, "甲写的会议内容；乙补充")  # now on the newer version: saved
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    with db.reading() as s:
        assert meetings.get_meeting(s, mid).minutes == "甲写的会议内容；乙补充"


def test_an_outside_lecturer_sharing_a_members_name_is_recorded_as_outside(qtbot: QtBot, db: Database,
                                                                          branch: SmallBranch, answer: list) -> None:
    """市委党校的“王书记” is not our 书记: the explicit choice keeps the name unlinked, the record says
    so, the minutes print it, and the year's 书记讲党课 is still missing."""
    from models.compliance import compliance_for_year
    from reports.minutes import header_fields

    editor = make_editor(qtbot, db, branch.branch_id)
    choose(editor.form.type_combo, str(MeetingType.PARTY_LECTURE))
    set_date(editor, DAY)
    form = editor.form
    assert form.form.isRowVisible(form.lecturer_outside_check) and not form.lecturer_outside_check.isChecked()
    type_into(qtbot, form.lecturer_combo.lineEdit(), "王书记")  # the same name as our 书记
    assert form.lecturer_member_id() == branch.secretary and form.lecturer_label() == "授课人"
    qtbot.mouseClick(form.lecturer_outside_check, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, form.lecturer_outside_check.height() // 2))  # on the box itself
    assert form.lecturer_outside_check.isChecked()
    assert form.lecturer_member_id() is None
    assert form.form.labelForField(form.lecturer_combo).text() == "授课人（支部以外）"  # type: ignore[union-attr]
    type_into(qtbot, form.topic_edit, "学习党章")
    all_present(qtbot, editor)
    assert editor.save()
    with db.reading() as s:
        d = meetings.get_meeting(s, editor.meeting_id)  # type: ignore[arg-type]
        year = compliance_for_year(s, branch.branch_id, DAY.year, today=DAY)
    assert (d.lecturer, d.lecturer_member_id, d.lecturer_outside) == ("王书记", None, True)
    assert "王书记（支部以外）" in [v for row in header_fields(d).rows for _label, v in row.cells]
    by_secretary = [ob for ob in year.obligations if ob.rule == "secretary_lecture"]
    lectures = [ob for ob in year.obligations if ob.rule == str(MeetingType.PARTY_LECTURE)]
    assert by_secretary and all(d.id not in ob.meeting_ids and ob.held == 0 for ob in by_secretary)
    assert any(d.id in ob.meeting_ids for ob in lectures)  # still a 党课 of the quarter
    again = make_editor(qtbot, db, branch.branch_id, editor.meeting_id)
    assert again.form.lecturer_outside_check.isChecked() and again.form.lecturer_member_id() is None
    assert not again.is_dirty()
