"""The 设置 dialog (branch name, print font) and the start-up notice of what is still due."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from models import paths
from models.db import Database
from models.roster import list_branches
from models.settings_store import get_setting
from reports import fonts
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, retype
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog

answer = gui_support.answer
branch = gui_support.branch


def _ok(dialog: SettingsDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def test_rename_branch_and_choose_font(qtbot: QtBot, db: Database, branch_id: int, tmp_path: Path) -> None:
    dialog = SettingsDialog(db, branch_id)
    qtbot.addWidget(dialog)
    assert "正文" in dialog.font_label.text()
    bundled = paths.resource("fonts", "wqy-microhei.ttc")
    chosen = tmp_path / "我的字体.ttc"
    shutil.copy(bundled, chosen)
    dialog._set_font(str(chosen))
    assert dialog.default_font.isEnabled()
    retype(dialog.name_edit, "第二党支部")
    _ok(dialog)
    with db.reading() as s:
        assert [b.name for b in list_branches(s)] == ["第二党支部"]
        assert get_setting(s, branch_id, fonts.SETTING_KEY) == str(chosen)


def test_a_file_that_is_no_chinese_font_is_refused(qtbot: QtBot, db: Database, branch_id: int,
                                                   tmp_path: Path) -> None:
    bogus = tmp_path / "不是字体.ttf"
    bogus.write_bytes(b"not a font")
    dialog = SettingsDialog(db, branch_id)
    qtbot.addWidget(dialog)
    dialog._set_font(str(bogus))
    assert "无法用于打印" in dialog.font_label.text() and dialog.font_path is None


def test_empty_branch_name_is_shown_and_nothing_written(qtbot: QtBot, db: Database, branch_id: int) -> None:
    dialog = SettingsDialog(db, branch_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setFocus()
    dialog.name_edit.selectAll()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Delete)
    _ok(dialog)
    assert dialog.isVisible() and "支部名称不能为空" in dialog.error_label.text()
    with db.reading() as s:
        assert [b.name for b in list_branches(s)] == ["测试第一党支部"]


def test_start_up_notice_lists_what_is_still_due(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                 answer: list) -> None:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show_startup_notices(today=date(date.today().year, date.today().month, 1))
    text = win.notice.text()
    assert win.notice.isVisibleTo(win)
    assert "本月尚需召开" in text and "支委会" in text and "第二党小组会" in text
    assert "还没有备份到U盘" in text
