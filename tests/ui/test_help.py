"""帮助: a menu bar with the manual (offline), keyboard shortcuts and 关于; Ctrl+1…5 reach the pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from models.db import Database
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch
from ui import msgbox
from ui.help import ManualDialog, app_version
from ui.main_window import VIEWS, MainWindow

answer = gui_support.answer
branch = gui_support.branch


def test_help_menu_opens_the_manual_offline_and_about_names_the_database(
        qtbot: QtBot, db: Database, branch: SmallBranch, answer: list) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    titles = [a.text() for a in window.menuBar().actions()]
    assert "帮助(&H)" in titles
    window.manual_action.trigger()
    dialogs = [w for w in window.findChildren(ManualDialog) if w.isVisible()]
    assert len(dialogs) == 1
    browser = dialogs[0].browser
    assert browser.source().isLocalFile()
    text = browser.toPlainText()
    for topic in ("支部党员大会", "签到表", "本月汇编", "年度台账", "备份到U盘", "从备份恢复", "回收站", "合并", "Ctrl+1"):
        assert topic in text, topic
    dialogs[0].close()

    msgbox.ASKED.clear()
    window.about_action.trigger()
    assert str(db.path) in msgbox.ASKED[-1] and app_version() in msgbox.ASKED[-1]
    window.shortcuts_action.trigger()
    assert "Ctrl+N：新建会议" in msgbox.ASKED[-1]


def test_ctrl_number_reaches_each_page(qtbot: QtBot, db: Database, branch: SmallBranch, answer: list) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    for number, (key, _label, _icon) in reversed(list(enumerate(VIEWS, start=1))):
        if key == "committee":  # 党委工作台: only when the database holds several branches
            assert not window.view_actions[number - 1].isVisible()
            continue
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
        assert window.current_view() == key
