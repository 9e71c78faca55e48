"""任职记录 in the member editor and the rules' warnings in the meeting editor, driven as a secretary would."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from models import roster
from models.db import Database
from models.enums import BranchRole, MeetingType
from models.meetings import AgendaInput, AttendanceInput, MeetingInput, create_meeting
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch
from ui.meeting_editor import MeetingEditor
from ui.member_editor import MemberEditor
from ui.terms_box import HandoverDialog

answer = gui_support.answer
branch = gui_support.branch
HANDOVER = date(2025, 6, 1)


def _choose(combo: object, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))  # type: ignore[attr-defined]


def test_a_term_started_in_the_editor_is_dated_and_the_form_follows(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                                   answer: list) -> None:
    zhao = branch.members["赵一"]
    editor = MemberEditor(db, branch.branch_id, zhao)
    qtbot.addWidget(editor)
    editor.show()
    box = editor.terms_box
    assert box.isEnabled() and [box.list.item(i).text() for i in range(box.list.count())] == ["建账前至今　在第一党小组"]
    box.date_edit.set_value(HANDOVER)
    _choose(box.office_combo, str(BranchRole.DISCIPLINE))
    box.start_button.click()
    texts = [box.list.item(i).text() for i in range(box.list.count())]
    assert "2025-06-01至今　任纪检委员" in texts
    assert editor.role_combo.currentData() == str(BranchRole.DISCIPLINE) and editor.committee_check.isChecked()
    editor.phone_edit.setText("13900001111")
    assert editor.save()  # saving the form afterwards keeps the dated term
    with db.reading() as s:
        detail = roster.get_member(s, zhao)
        before = roster.get_member(s, zhao, on=date(2025, 5, 31))
    assert [(t.what, t.start_on) for t in detail.terms if t.kind == "office"] == [("纪检委员", HANDOVER)]
    assert detail.row.is_committee and not before.row.is_committee


def test_handover_dialog_replaces_the_committee_on_one_date(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                            answer: list) -> None:
    dialog = HandoverDialog(db, branch.branch_id)
    qtbot.addWidget(dialog)
    dialog.date_edit.set_value(HANDOVER)
    _choose(dialog.combos[branch.secretary], str(BranchRole.NONE))
    _choose(dialog.combos[branch.members["李组织"]], str(BranchRole.SECRETARY))
    _choose(dialog.combos[branch.members["孙三"]], str(BranchRole.ORGANIZATION))
    assert dialog.save()
    with db.reading() as s:
        old = {r.name for r in roster.list_members(s, branch.branch_id, on=date(2025, 5, 31)) if r.is_committee}
        new = {r.name: r.branch_role for r in roster.list_members(s, branch.branch_id, on=HANDOVER) if r.is_committee}
    assert old == {"王书记", "李组织", "张宣传"}
    assert new == {"李组织": BranchRole.SECRETARY, "孙三": BranchRole.ORGANIZATION, "张宣传": BranchRole.PROPAGANDA}
    _choose(dialog.combos[branch.members["赵一"]], str(BranchRole.SECRETARY))  # two 书记: refused, said why
    assert not dialog.save() and "只能有一名书记" in dialog.error.text()


def test_meeting_editor_warns_of_an_incomplete_list_and_a_void_vote(qtbot: QtBot, db: Database,
                                                                   branch: SmallBranch, answer: list) -> None:
    voters = [branch.members[n] for n in ("王书记", "李组织", "张宣传")]
    with db.transaction() as s:  # only 3 of 8 entered (7 with a vote): incomplete, not quorate
        mid = create_meeting(s, branch.branch_id, MeetingInput(
            meeting_type=MeetingType.GENERAL_ASSEMBLY, title="党员大会", held_on=date(2025, 3, 12),
            attendance=[AttendanceInput(m) for m in voters], agenda=[AgendaInput("表决事项", votes_for=3)]))
    editor = MeetingEditor(db, branch.branch_id, mid)
    qtbot.addWidget(editor)
    editor.show()
    note = editor.rules_note.text()
    assert not editor.rules_note.isHidden()
    assert "出席情况不完整" in note and "周四" in note and "吴预备" in note
    assert "议题表决无效" in note
    assert editor.attendance.counts_label.text().startswith("应到 8 人，实到 3 人")
    assert "不能认定达到法定人数" in editor.attendance.quorum_label.text()
    # 应到 0: a 支委会 on a day before anybody was on the roll
    editor2 = MeetingEditor(db, branch.branch_id, meeting_type=MeetingType.COMMITTEE, held_on=date(1990, 1, 5))
    qtbot.addWidget(editor2)
    editor2.show()
    assert "应到 0 人" in editor2.rules_note.text()
