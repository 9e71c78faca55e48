"""The window's branch switcher on a committee's database (several merged branches)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from models.db import Database, open_database
from models.meetings import count_meetings
from models.roster import list_branches, list_members
from tests.committee_support import committee_copy
from tests.ui import gui_support
from ui.main_window import MainWindow
from ui.settings import Settings

answer = gui_support.answer


@pytest.fixture
def committee(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return committee_copy(tmp_path_factory, tmp_path)


def _window(qtbot: QtBot, db: Database) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    return win


def _ids(db: Database) -> dict[str, int]:
    with db.reading() as s:
        return {b.name: b.id for b in list_branches(s)}


def test_switching_shows_the_other_branch_everywhere_and_is_remembered(
        qtbot: QtBot, committee: Path, answer: list) -> None:
    db = open_database(committee)
    try:
        ids = _ids(db)
        first, street = ids["市财政局机关第一党支部"], ids["城关街道幸福社区党支部"]
        with db.reading() as s:
            street_names = sorted(m.name for m in list_members(s, street))
            street_meetings = count_meetings(s, street)
        win = _window(qtbot, db)
        assert win.switcher_action.isVisible()
        assert win.branch_switcher.combo.count() == 3
        assert win.branch_id == first and "市财政局机关第一党支部" in win.windowTitle()
        first_meetings = {win.meetings_page.proxy.row_at(r).id for r in range(win.meetings_page.proxy.rowCount())}

        win.branch_switcher.choose(street)  # as a person picks it in the combo
        assert win.branch_id == street and "城关街道幸福社区党支部" in win.windowTitle()
        page = win.meetings_page
        assert page.branch_id == street and page.count_label.text() == f"共 {street_meetings} 条"
        shown = {page.proxy.row_at(r).id for r in range(page.proxy.rowCount())}
        assert shown and not shown & first_meetings
        roster = win.roster_page
        assert sorted(roster.proxy.row_at(r).name for r in range(roster.proxy.rowCount())) == street_names
        assert win.stats_page.branch_id == street and win.notes_page.branch_id == street
        win.close()

        again = _window(qtbot, db)  # the choice is remembered for this database
        assert again.branch_id == street
        assert again.branch_switcher.current_branch() == street
        again.close()
    finally:
        db.close()


def test_one_branch_shows_no_switcher(qtbot: QtBot, db: Database, branch_id: int, answer: list) -> None:
    win = _window(qtbot, db)
    assert not win.switcher_action.isVisible() and win.branch_id == branch_id


def test_a_remembered_branch_that_is_gone_falls_back(qtbot: QtBot, committee: Path, answer: list) -> None:
    db = open_database(committee)
    try:
        with db.reading() as s:
            from models.branches import database_identity

            key = database_identity(s)
        Settings().set_chosen_branch(key, 999)
        win = _window(qtbot, db)
        assert win.branch_id == min(_ids(db).values())
        win.close()
    finally:
        db.close()


def test_committee_page_ranks_branches_exports_and_opens_a_branch(
        qtbot: QtBot, committee: Path, tmp_path: Path, answer: list) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.committee_page import CommitteePage

    db = open_database(committee)
    try:
        ids = _ids(db)
        win = _window(qtbot, db)
        item = win.nav.item(win.nav.count() - 1)
        assert item.text() == "党委工作台" and not item.isHidden()
        assert win.view_actions[-1].isVisible()
        with qtbot.waitActive(win):
            win.activateWindow()
        qtbot.keyClick(win, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)  # 视图 menu
        assert win.current_view() == "committee"
        page = win.stack.currentWidget()
        assert isinstance(page, CommitteePage)
        assert page.proxy.rowCount() == 3
        names = {page.proxy.index(r, 1).data() for r in range(3)}
        assert names == set(ids)
        assert all(page.proxy.index(r, 6).data().endswith("%") for r in range(3))

        assert page.export_to(tmp_path / "汇总.xlsx")
        sheet = load_workbook(tmp_path / "汇总.xlsx")["完成情况排名"]
        assert {sheet.cell(row=r, column=2).value for r in range(3, 6)} == set(ids)
        assert page.export_to(tmp_path / "汇总.pdf")
        text = "".join(p.extract_text() for p in PdfReader(tmp_path / "汇总.pdf").pages)
        assert "党委汇总" in text and all(name in text for name in ids)

        street = ids["城关街道幸福社区党支部"]
        row = next(r for r in range(3) if page.branch_at(r) == street)
        qtbot.waitExposed(page.table)
        rect = page.table.visualRect(page.proxy.index(row, 1))
        assert rect.isValid(), rect
        QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert win.branch_id == street and win.current_view() == "meetings"
        assert win.meetings_page.branch_id == street
        win.close()
    finally:
        db.close()


def test_one_branch_hides_the_committee_page(qtbot: QtBot, db: Database, branch_id: int, answer: list) -> None:
    win = _window(qtbot, db)
    assert win.nav.item(win.nav.count() - 1).isHidden()
