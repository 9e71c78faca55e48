"""Several backups chosen at once in the 备份与恢复 page (and a folder of them): asked once,
merged off the GUI thread with a progress bar, one summary — with real backups."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from models.backup import create_backup
from models.db import Database, open_database
from models.roster import list_branches
from tests.committee_support import branch_backups
from tests.models.backup_support import populate
from tests.ui import gui_support
from ui import msgbox
from ui.backup_page import BackupPage

# every message box answers Yes (tests.ui.gui_support.answer)
answer = gui_support.answer
pytestmark = pytest.mark.usefixtures("answer")


def _button(page: BackupPage, text: str) -> QPushButton:
    (button,) = [b for b in page.findChildren(QPushButton) if b.text() == text]
    return button


def _branches(db: Database) -> list[str]:
    with db.reading() as s:
        return sorted(b.name for b in list_branches(s))


def test_several_backups_chosen_at_once_then_the_same_folder_again(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    page = BackupPage(db, populate(db, name="本机党支部", meetings=1))
    qtbot.addWidget(page)
    page.show()
    usb = tmp_path / "usb"
    usb.mkdir()
    # seed 1 twice: the same branch typed in again on another PC (同名党支部)
    first, second, twin = (usb / p.name for p in branch_backups(tmp_path, (2, 1, 1)))
    for made in tmp_path.glob("*.bbk"):
        shutil.move(made, usb / made.name)
    other = open_database(tmp_path / "secret.sqlite3")
    populate(other, name="加密党支部", meetings=1)
    locked = create_backup(other.path, usb, passphrase="stick-pass-1").path
    unasked = create_backup(other.path, tmp_path, passphrase="stick-pass-1").path  # no passphrase given
    other.close()
    broken = usb / "broken.bbk"
    broken.write_bytes(second.read_bytes()[:20000])
    page.ask_passphrase = lambda path: "stick-pass-1" if path == locked else None
    page.choose_files = lambda title: [first, second, twin, broken, locked, unasked]

    with qtbot.waitSignal(page.database_replaced, timeout=120000):
        qtbot.mouseClick(_button(page, "合并其他支部的备份…"), Qt.MouseButton.LeftButton)
    assert "把这 6 个备份中的记录合并到当前数据库吗" in msgbox.ASKED[0] and "1 个将被跳过" in msgbox.ASKED[0]
    text = page.outcome.text()
    assert "共 6 个备份：合并成功 4 个，失败 1 个。跳过 1 个。" in text
    lines = text.splitlines()
    assert any(line.startswith("“broken.bbk”：未合并——") and "不完整" in line for line in lines)
    assert any(line.startswith(f"“{unasked.name}”：已跳过——") and "没有输入密码" in line for line in lines)
    assert any(line.startswith(f"“{locked.name}”：已合并（党支部：加密党支部）") for line in lines)
    twins = [line for line in lines if "同名党支部：市教育局机关第二党支部" in line]
    assert [line.split("：")[0] for line in twins] == [f"“{second.name}”", f"“{twin.name}”"]
    assert "branches join" in text and msgbox.ASKED[-1] == text  # one summary, shown once
    assert _branches(db) == sorted(["本机党支部", "市财政局机关第一党支部", "市教育局机关第二党支部",
                                    "市教育局机关第二党支部", "加密党支部"])
    steps = page.merge_flow.progress if page.merge_flow else []
    assert [s[:2] for s in steps] == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert [s[2].split("：", 1)[-1] for s in steps[:5]] == [p.name for p in (first, second, twin, broken, locked)]

    # the same stick again, as a folder: nothing new, nothing changes, the window need not reload
    msgbox.ASKED.clear()
    page.choose_merge_folder = lambda: usb
    reloaded: list[bool] = []
    page.database_replaced.connect(lambda: reloaded.append(True))
    qtbot.mouseClick(_button(page, "合并文件夹中的备份…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "共 5 个备份" in page.outcome.text(), timeout=120000)
    text = page.outcome.text()
    assert "合并成功 4 个，失败 1 个。其中 4 个没有新的或更新的记录" in text
    assert not reloaded and len(_branches(db)) == 5


def test_an_empty_folder_is_explained_and_nothing_runs(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    page = BackupPage(db, populate(db))
    qtbot.addWidget(page)
    (tmp_path / "empty").mkdir()
    page.choose_merge_folder = lambda: tmp_path / "empty"
    qtbot.mouseClick(_button(page, "合并文件夹中的备份…"), Qt.MouseButton.LeftButton)
    assert "其中没有备份文件" in msgbox.ASKED[-1] and page.merge_flow is not None
    assert page.merge_flow.progress == []
