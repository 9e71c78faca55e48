"""Shared helpers for the GUI tests: a small branch built through the services, and message
boxes answered by the test (never left modal)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from models import roster
from models.db import Database
from models.enums import BranchRole, Gender, MeetingType, MemberCategory
from models.meetings import MeetingInput, create_meeting, default_attendance
from ui import msgbox


@dataclass
class SmallBranch:
    branch_id: int
    group_a: int
    group_b: int
    secretary: int
    committee: list[int]
    members: dict[str, int]
    probationary: int


def build_branch(db: Database, branch_id: int) -> SmallBranch:
    """8 members in two groups: 3 on the committee, one 预备党员 (no vote)."""
    with db.transaction() as s:
        a = roster.create_group(s, branch_id, "第一党小组")
        b = roster.create_group(s, branch_id, "第二党小组")
        ids: dict[str, int] = {}
        people = [
            ("王书记", a, BranchRole.SECRETARY, MemberCategory.FULL, "13812345678"),
            ("李组织", a, BranchRole.ORGANIZATION, MemberCategory.FULL, ""),
            ("张宣传", b, BranchRole.PROPAGANDA, MemberCategory.FULL, ""),
            ("赵一", a, BranchRole.NONE, MemberCategory.FULL, ""),
            ("钱二", a, BranchRole.NONE, MemberCategory.FULL, ""),
            ("孙三", b, BranchRole.NONE, MemberCategory.FULL, ""),
            ("周四", b, BranchRole.NONE, MemberCategory.FULL, ""),
            ("吴预备", b, BranchRole.NONE, MemberCategory.PROBATIONARY, ""),
        ]
        for i, (name, group, role, category, phone) in enumerate(people):
            joined = date(2024, 6, 1) if category == MemberCategory.PROBATIONARY else date(2000 + i, 7, 1)
            ids[name] = roster.create_member(s, branch_id, roster.MemberInput(
                name=name, gender=Gender.MALE, joined_on=joined, category=category, group_id=group,
                branch_role=role, phone=phone))
    return SmallBranch(branch_id, a, b, ids["王书记"], [ids["王书记"], ids["李组织"], ids["张宣传"]], ids,
                       ids["吴预备"])


def add_meeting(db: Database, branch_id: int, kind: MeetingType, on: date, title: str,
                group_id: int | None = None, **extra: object) -> int:
    with db.transaction() as s:
        data = MeetingInput(meeting_type=kind, title=title, held_on=on, group_id=group_id,
                            attendance=default_attendance(s, branch_id, kind, on, group_id))
        for key, value in extra.items():
            setattr(data, key, value)
        return create_meeting(s, branch_id, data)


@pytest.fixture
def answer() -> Iterator[list[QMessageBox.StandardButton]]:
    """Message boxes answer Yes unless the test sets ``msgbox.AUTO_ANSWER`` otherwise."""
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Yes
    msgbox.ASKED.clear()
    msgbox.QUEUED_ANSWERS.clear()
    msgbox.QUEUED_NUMBERS.clear()
    yield []
    msgbox.QUEUED_ANSWERS.clear()
    # Close what the test left open while boxes are still answered (unsaved edits: discard).
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Discard
    for widget in QApplication.topLevelWidgets():
        widget.close()
    msgbox.AUTO_ANSWER = None
    msgbox.ASKED.clear()


@pytest.fixture
def branch(db: Database, branch_id: int) -> SmallBranch:
    return build_branch(db, branch_id)


def ime_type(widget: QWidget, text: str) -> None:
    """Type ``text`` the way a Chinese input method delivers it: a committed string.

    (QTest.keyClicks only knows ASCII keys.) The widget gets focus first, like a click would."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def retype(widget: QWidget, text: str) -> None:
    """Select everything in a line edit and type over it."""
    widget.setFocus()
    widget.selectAll()  # type: ignore[attr-defined]
    ime_type(widget, text)
