"""备份与恢复 on a committee's server (issue 15): 备份本支部到U盘 writes the branch on show as a verified
.bbk, the page says what is not available on a server (restore by file swap, automatic backups), and
the window makes no automatic backup of a server on exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

import main
from models import paths
from models.backup import verify_backup
from models.branches import list_branches
from models.db import open_database
from models.entities import Member
from tests.test_server_backup import _pc_backup
from tests.ui import gui_support
from ui.server_backup_page import ServerBackupPage
from ui.settings import Settings
from ui.window_session import WindowSession

# every message box answers Yes (tests.ui.gui_support.answer)
answer = gui_support.answer
pytestmark = pytest.mark.usefixtures("answer")


def test_the_backup_page_on_a_server_backs_up_the_branch_on_show(
        qtbot: QtBot, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["demo", "--db", pg_url, "--years", "1", "--members", "14", "--seed", "5"]) == 0
    _pc, bbk = _pc_backup(tmp_path, capsys)  # a second branch on the server, from a PC's backup
    assert main.main(["merge", "--db", pg_url, str(bbk)]) == 0
    capsys.readouterr()
    server = open_database(pg_url)
    with server.reading() as s:  # the branch merged from the PC has 10 members, the server's own 14
        members = {b.id: s.scalar(select(func.count()).select_from(Member).where(Member.branch_id == b.id))
                   for b in list_branches(s)}
    assert sorted(members.values()) == [10, 14]
    second_id = next(b for b, n in members.items() if n == 10)
    session = WindowSession(Settings())
    window = session.show(server, second_id)
    qtbot.addWidget(window)
    page = window.backup_page
    assert isinstance(page, ServerBackupPage)
    buttons = {b.text() for b in page.findChildren(QPushButton)}
    assert "备份本支部到U盘" in buttons and "恢复所选备份…" not in buttons and "从文件恢复…" not in buttons
    assert "从备份恢复（整体替换数据库文件）" in page.not_available.text()
    assert page.reminder_text() is None and "服务器管理员" in page.last_backup_text()

    usb = tmp_path / "U盘"
    usb.mkdir()
    page.set_target(usb)
    page.encrypt.setChecked(False)
    page.backup_button.click()
    qtbot.waitUntil(lambda: page.outcome.text().startswith(("备份完成", "未完成")), timeout=60_000)
    assert page.outcome.text().startswith("备份完成并已校验"), page.outcome.text()
    (written,) = usb.glob("*.bbk")
    held = verify_backup(written)  # the branch on show only, checked again from the stick
    assert held.manifest.counts["branch"] == 1 and held.manifest.counts["member"] == 10
    assert str(usb) in window.backup_label.text()

    # 合并支部U盘上的备份: another branch's USB backup merged into the server from the page
    _pc3, third = _pc_backup(tmp_path, capsys, seed=9)
    replaced: list[str] = []  # the window rebuilds its pages after a merge: read the page's words then
    page.database_replaced.connect(lambda: replaced.append(page.outcome.text()))
    page.merge(third)
    qtbot.waitUntil(lambda: bool(replaced) or page.outcome.text().startswith("未完成"), timeout=60_000)
    assert replaced and "新增：党支部 1 条" in replaced[0], replaced or page.outcome.text()
    with server.reading() as s:
        assert len(list_branches(s)) == 3

    session.finish()  # leaving a server: no automatic backup of it, none of a file either
    backups = paths.backups_dir()
    assert not backups.exists() or not any(backups.iterdir())
