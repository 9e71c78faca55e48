"""合并同名党支部 in the window: from the 党委工作台, pick the two records of one branch, read what
will be matched and what stays separate, confirm; the join runs off the GUI thread, is logged,
and the switcher shows one branch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from models.audit import list_entries
from models.db import open_database
from models.roster import list_branches, list_members
from tests.committee_support import committee_db
from tests.ui import gui_support
from ui import msgbox
from ui.committee_page import CommitteePage
from ui.main_window import MainWindow

answer = gui_support.answer
NEWCOMER = "新转入党员"


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Path, str, str, str]:
    """One demo branch entered on two PCs and merged (same people, other uuids). On the second
    record one member has no ID number on either side (matched by name + birth date) and one is
    somebody else (moves over, and the kept record's counterpart stays as it is)."""
    path = committee_db(tmp_path, seeds=(1, 1))
    con = sqlite3.connect(path)
    with con:
        _keep, other = (r[0] for r in con.execute("SELECT id FROM branch ORDER BY id"))
        (by_name, _), (replaced, _) = con.execute(
            "SELECT name, id FROM member WHERE branch_id = ? ORDER BY id LIMIT 2", (other,)).fetchall()
        con.execute("UPDATE member SET id_number = '' WHERE name = ?", (by_name,))
        con.execute("UPDATE member SET name = ?, id_number = '' WHERE name = ? AND branch_id = ?",
                    (NEWCOMER, replaced, other))
    con.close()
    return path, by_name, replaced, NEWCOMER


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


def test_joining_same_name_branches_from_the_committee_page(
        qtbot: QtBot, twins: tuple[Path, str, str, str], answer: list) -> None:
    path, by_name, stays, newcomer = twins
    db = open_database(path)
    try:
        with db.reading() as s:
            keep, other = (b.id for b in list_branches(s))
        win = MainWindow(db)
        qtbot.addWidget(win)
        win.show()
        assert win.switcher_action.isVisible()
        win.show_view("committee")
        page = win.stack.currentWidget()
        assert isinstance(page, CommitteePage)
        assert "有同名党支部：市教育局机关第二党支部" in page.summary.text()

        dialog = page.open_join_dialog()
        assert dialog.chosen() == (keep, other)  # the same-name pair, chosen for the secretary
        text = dialog.preview.toPlainText()
        assert f"（编号 {other}）的全部记录将并入“市教育局机关第二党支部”（编号 {keep}）" in text
        assert "视为同一人的党员（保留一份，出席和学习记录归到保留的一份）：9 人" in text
        assert by_name in _line(text, "按姓名和出生日期对应") and by_name not in _line(text, "按身份证号对应")
        assert newcomer in _line(text, "仅在并入的党支部中、将转入")
        assert stays in _line(text, "仅在保留的党支部中、保持不变")

        dialog.other.setCurrentIndex(dialog.other.findData(keep))  # the same record twice: refused
        assert not dialog.join_button.isEnabled() and "不能是同一个" in dialog.preview.toPlainText()
        dialog.other.setCurrentIndex(dialog.other.findData(other))
        assert dialog.join_button.isEnabled()

        msgbox.QUEUED_ANSWERS.append(QMessageBox.StandardButton.No)  # thinks again: nothing happens
        qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
        assert dialog.summary is None and dialog.isVisible()
        with db.reading() as s:
            assert len(list_branches(s)) == 2

        qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)  # 确定
        qtbot.waitUntil(lambda: dialog.summary is not None, timeout=20_000)
        assert any("已将党支部“市教育局机关第二党支部”并入" in asked for asked in msgbox.ASKED)
        with db.reading() as s:
            assert [b.id for b in list_branches(s)] == [keep]
            names = sorted(m.name for m in list_members(s, keep))
            entry = list_entries(s, limit=1)[0]
        assert len(names) == 11 and newcomer in names and stays in names
        assert "合并同名党支部" in entry.summary
        assert win.branch_id == keep and not win.switcher_action.isVisible()
        assert win.branch_switcher.combo.count() == 1
        assert win.current_view() == "meetings"  # one branch left: no 党委工作台 any more
    finally:
        db.close()
