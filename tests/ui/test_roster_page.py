"""党员名册 page: add and edit members, their status history and exemptions, party groups,
masked numbers — through the widgets, read back through the services."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from models import roster
from models.audit import list_entries
from models.db import Database
from models.enums import (
    AuditAction,
    BranchRole,
    Gender,
    MeetingType,
    MemberCategory,
    MembershipState,
)
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting, ime_type, retype
from ui import msgbox
from ui.member_editor import MemberEditor
from ui.members_model import COL_ID, COL_NAME, COL_PHONE, COL_STATE, MembersTableModel
from ui.roster_page import RosterPage

# shared fixtures (see gui_support)
answer = gui_support.answer
branch = gui_support.branch

VALID_ID = "11010519491231002X"


@pytest.fixture
def page(qtbot: QtBot, db: Database, branch: SmallBranch) -> RosterPage:
    widget = RosterPage(db, branch.branch_id)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _names(page: RosterPage) -> list[str]:
    return sorted(page.proxy.row_at(r).name for r in range(page.proxy.rowCount()))


def _cell(page: RosterPage, name: str, col: int) -> str:
    for r in range(page.proxy.rowCount()):
        if page.proxy.row_at(r).name == name:
            return str(page.proxy.index(r, col).data())
    raise KeyError(name)


def _editor(qtbot: QtBot, page: RosterPage, member_id: int | None) -> MemberEditor:
    editor = page.member_editor(member_id)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def test_add_member_then_numbers_masked_unless_asked(qtbot: QtBot, page: RosterPage, db: Database,
                                                     branch: SmallBranch, answer: list) -> None:
    editor = _editor(qtbot, page, None)
    ime_type(editor.name_edit, "郑新")
    editor.joined_edit.set_value(date(2015, 7, 1))
    qtbot.keyClicks(editor.phone_edit, "13900001111")
    qtbot.keyClicks(editor.id_edit, VALID_ID)
    editor.group_combo.setCurrentIndex(editor.group_combo.findData(branch.group_b))
    assert not editor.status_box.isEnabled()  # history needs a saved member
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert "郑新" in _names(page) and page.count_label.text() == "共 9 人"
    assert _cell(page, "郑新", COL_PHONE) == "139****1111"
    assert _cell(page, "郑新", COL_ID) == "110105********002X"
    page.full_numbers.setChecked(True)
    assert _cell(page, "郑新", COL_ID) == VALID_ID and _cell(page, "郑新", COL_PHONE) == "13900001111"
    with db.reading() as s:
        row = next(m for m in roster.list_members(s, branch.branch_id) if m.name == "郑新")
    assert (row.group_id, row.joined_on, row.id_number) == (branch.group_b, date(2015, 7, 1), VALID_ID)
    again = RosterPage(db, branch.branch_id)  # the toggle is remembered
    qtbot.addWidget(again)
    assert again.full_numbers.isChecked()


def test_bad_id_number_is_shown_next_to_the_field_and_nothing_written(qtbot: QtBot, page: RosterPage, db: Database,
                                                                      branch: SmallBranch, answer: list) -> None:
    editor = _editor(qtbot, page, None)
    ime_type(editor.name_edit, "错号")
    editor.joined_edit.set_value(date(2015, 7, 1))
    qtbot.keyClicks(editor.id_edit, "110105194912310021")
    assert not editor.save()
    assert not editor.errors["id_number"].isHidden()
    assert "校验位" in editor.errors["id_number"].text()
    assert editor.errors["name"].isHidden()
    with db.reading() as s:
        assert len(roster.list_members(s, branch.branch_id)) == 8


def test_edit_member_and_record_a_transfer_and_an_exemption(qtbot: QtBot, page: RosterPage, db: Database,
                                                            branch: SmallBranch, answer: list) -> None:
    mid = branch.members["孙三"]
    editor = _editor(qtbot, page, mid)
    assert editor.name_edit.text() == "孙三" and editor.status_list.count() == 1
    editor.role_combo.setCurrentIndex(editor.role_combo.findData(str(BranchRole.DISCIPLINE)))
    transfer_day = date.today() - timedelta(days=10)
    editor.state_combo.setCurrentIndex(editor.state_combo.findData(str(MembershipState.TRANSFERRED_OUT)))
    editor.state_date.set_value(transfer_day)
    ime_type(editor.state_note, "转往市财政局党支部")
    qtbot.mouseClick(editor.add_state_button, Qt.MouseButton.LeftButton)
    assert editor.status_list.count() == 2 and "转出" in editor.status_list.item(1).text()
    # the same date twice is refused next to the status controls
    assert not editor.add_status()
    assert "已有一条党籍状态记录" in editor.state_error.text()

    retype(editor.exempt_reason, "年老体弱")
    editor.exempt_from.set_value(date(2020, 1, 1))
    qtbot.mouseClick(editor.add_exempt_button, Qt.MouseButton.LeftButton)
    assert editor.exemption_list.count() == 1 and "年老体弱" in editor.exemption_list.item(0).text()
    editor.exempt_reason.clear()
    assert not editor.add_exemption()
    assert "原因" in editor.exempt_error.text()
    assert editor.save()

    with db.reading() as s:
        detail = roster.get_member(s, mid)
    assert detail.row.branch_role == BranchRole.DISCIPLINE and detail.row.is_committee
    assert [(st.state, st.effective_on, st.note) for st in detail.statuses][-1] == (
        MembershipState.TRANSFERRED_OUT, transfer_day, "转往市财政局党支部")
    assert detail.exemptions[0].reason == "年老体弱" and detail.exemptions[0].end_on is None
    assert _cell(page, "孙三", COL_STATE) == "转出"
    assert _cell(page, "孙三", COL_NAME) == "孙三"  # exempt marker only while on the roll and exempt


def test_delete_status_asks_and_filters_narrow_the_list(qtbot: QtBot, page: RosterPage, db: Database,
                                                        branch: SmallBranch, answer: list) -> None:
    with db.transaction() as s:
        roster.add_status(s, branch.members["周四"], MembershipState.PROBATION, date(2025, 1, 1), "处分")
    page.reload()
    page.state_filter.setCurrentIndex(page.state_filter.findData(str(MembershipState.PROBATION)))
    assert _names(page) == ["周四"]
    page.state_filter.setCurrentIndex(0)
    page.group_filter.setCurrentIndex(page.group_filter.findData(branch.group_a))
    assert _names(page) == sorted(["王书记", "李组织", "赵一", "钱二"])
    page.group_filter.setCurrentIndex(0)
    page.category_filter.setCurrentIndex(page.category_filter.findData(str(MemberCategory.PROBATIONARY)))
    assert _names(page) == ["吴预备"]

    editor = _editor(qtbot, page, branch.members["周四"])
    editor.status_list.setCurrentRow(1)
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.No
    qtbot.mouseClick(editor.delete_state_button, Qt.MouseButton.LeftButton)
    assert editor.status_list.count() == 2
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(editor.delete_state_button, Qt.MouseButton.LeftButton)
    assert editor.status_list.count() == 1
    with db.reading() as s:
        assert roster.get_member(s, branch.members["周四"]).row.state == MembershipState.ACTIVE


def test_deleting_a_status_updates_the_list_behind_the_editor(qtbot: QtBot, page: RosterPage, db: Database,
                                                               branch: SmallBranch, answer: list) -> None:
    with db.transaction() as s:
        roster.add_status(s, branch.members["周四"], MembershipState.TRANSFERRED_OUT, date(2025, 1, 1), "转出")
    page.reload()
    assert _cell(page, "周四", COL_STATE) == "转出"
    editor = _editor(qtbot, page, branch.members["周四"])
    editor.status_list.setCurrentRow(1)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(editor.delete_state_button, Qt.MouseButton.LeftButton)
    assert _cell(page, "周四", COL_STATE) == "在册"  # without closing the editor


def test_party_groups_add_rename_delete(qtbot: QtBot, page: RosterPage, db: Database, branch: SmallBranch,
                                        answer: list) -> None:
    dialog = page.groups_dialog()
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2
    retype(dialog.name_edit, "第三党小组")
    dialog.leader_combo.setCurrentIndex(dialog.leader_combo.findData(branch.members["赵一"]))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.list.count() == 3 and "组长：赵一" in dialog.list.currentItem().text()
    retype(dialog.name_edit, "第一党小组")  # a name already taken
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert "已有名为“第一党小组”的党小组" in dialog.error.text()
    retype(dialog.name_edit, "离退休党小组")
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isHidden()
    assert page.group_filter.findText("离退休党小组") >= 0  # the page followed
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    dialog.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert "还有 4 名党员" in dialog.error.text()
    with db.reading() as s:
        assert [g.name for g in roster.list_groups(s, branch.branch_id)] == ["第一党小组", "第二党小组"]


def test_export_masks_numbers_by_default(qtbot: QtBot, page: RosterPage, tmp_path: Path,
                                         answer: list) -> None:
    out = tmp_path / "名册.xlsx"
    assert page.export_to(out) == 8
    values = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row]  # type: ignore[union-attr]
    assert "138****5678" in values and "13812345678" not in values
    with page.db.reading() as s:
        exports = [e for e in list_entries(s) if e.action == AuditAction.EXPORT]
    assert len(exports) == 1  # the export is in the audit log


def test_members_model_without_widgets() -> None:
    model = MembersTableModel()
    assert model.rowCount() == 0 and model.headerData(COL_ID, Qt.Orientation.Horizontal) == "身份证号"


def test_delete_only_members_without_records(qtbot: QtBot, page: RosterPage, db: Database, branch: SmallBranch,
                                             answer: list) -> None:
    add_meeting(db, branch.branch_id, MeetingType.THEME_DAY, date.today() - timedelta(days=1), "主题党日")
    with db.transaction() as s:
        roster.create_member(s, branch.branch_id, roster.MemberInput("误录", Gender.FEMALE, date(2020, 1, 1)))
    page.reload()
    for name, deleted in (("赵一", False), ("误录", True)):
        row = next(r for r in range(page.proxy.rowCount()) if page.proxy.row_at(r).name == name)
        page.table.selectRow(row)
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
        assert (name not in _names(page)) == deleted
    assert "已有 1 条出席记录，不能删除" in msgbox.ASKED[-2]


def test_a_new_member_form_leaves_the_join_date_empty_and_shows_every_error_at_once(
        qtbot: QtBot, page: RosterPage, db: Database, branch: SmallBranch, answer: list) -> None:
    editor = _editor(qtbot, page, None)
    assert editor.joined_edit.value() is None and editor.joined_edit.text() == "未填"
    qtbot.keyClicks(editor.phone_edit, "139abc")
    qtbot.keyClicks(editor.id_edit, "110105194912310021")
    qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    shown = {name for name, label in editor.errors.items() if not label.isHidden()}
    assert shown == {"name", "joined_on", "phone", "id_number"}  # four problems, one round
    assert editor.errors["joined_on"].text() == "请填写入党时间。"
    with db.reading() as s:
        assert len(roster.list_members(s, branch.branch_id)) == 8
    ime_type(editor.name_edit, "补全")
    editor.joined_edit.set_value(date(2016, 7, 1))
    editor.phone_edit.clear()
    editor.id_edit.clear()
    assert editor.save()
    with db.reading() as s:
        row = next(m for m in roster.list_members(s, branch.branch_id) if m.name == "补全")
    assert row.joined_on == date(2016, 7, 1)


def test_cancelling_a_typed_member_form_asks_first(qtbot: QtBot, page: RosterPage, db: Database,
                                                   branch: SmallBranch, answer: list) -> None:
    editor = _editor(qtbot, page, branch.members["赵一"])
    editor.reject()  # nothing typed: closes without a question
    assert not editor.isVisible() and msgbox.ASKED == []
    editor = _editor(qtbot, page, branch.members["赵一"])
    retype(editor.name_edit, "赵一改")
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Cancel
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.isVisible() and msgbox.ASKED == ["党员信息有未保存的修改，是否保存？"]
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Save
    editor.buttons.button(editor.buttons.StandardButton.Cancel).click()
    assert not editor.isVisible()
    with db.reading() as s:
        assert roster.get_member(s, branch.members["赵一"]).row.name == "赵一改"


def test_the_roster_shows_who_sits_on_the_committee(page: RosterPage, branch: SmallBranch) -> None:
    from ui.members_model import COL_COMMITTEE

    assert page.model.headerData(COL_COMMITTEE, Qt.Orientation.Horizontal) == "支委"
    assert {n: _cell(page, n, COL_COMMITTEE) for n in ("王书记", "李组织", "张宣传", "赵一")} == {
        "王书记": "支委", "李组织": "支委", "张宣传": "支委", "赵一": ""}


def test_the_member_form_masks_the_id_number_until_asked_and_logs_the_request(
        qtbot: QtBot, page: RosterPage, db: Database, branch: SmallBranch, answer: list) -> None:
    mid = branch.members["赵一"]
    with db.transaction() as s:
        detail = roster.get_member(s, mid).row
        roster.update_member(s, mid, roster.MemberInput(
            name=detail.name, gender=detail.gender, joined_on=detail.joined_on, category=detail.category,
            group_id=detail.group_id, id_number=VALID_ID))
    editor = _editor(qtbot, page, mid)
    assert editor.id_edit.text() == "110105********002X" and editor.id_edit.isReadOnly()
    assert editor.show_id_button.isVisible()
    retype(editor.note_edit, "调整备注")
    assert editor.save()  # saving without looking keeps the stored number
    with db.reading() as s:
        assert roster.get_member(s, mid).row.id_number == VALID_ID
        assert not any(e.action == AuditAction.VIEW for e in list_entries(s, limit=20))
    editor = _editor(qtbot, page, mid)
    qtbot.mouseClick(editor.show_id_button, Qt.MouseButton.LeftButton)
    assert editor.id_edit.text() == VALID_ID and not editor.id_edit.isReadOnly()
    assert not editor.show_id_button.isVisible()
    with db.reading() as s:
        viewed = [e for e in list_entries(s, limit=20) if e.action == AuditAction.VIEW]
    assert len(viewed) == 1 and "赵一" in viewed[0].summary and VALID_ID not in viewed[0].summary
    page.full_numbers.setChecked(True)  # numbers shown everywhere: the form shows it too
    editor = _editor(qtbot, page, mid)
    assert editor.id_edit.text() == VALID_ID and not editor.show_id_button.isVisible()
