"""The 备份与恢复 page and the startup checks, driven as a person would (offscreen)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from models import paths
from models.autobackup import auto_backup, list_backups
from models.backup import create_backup, is_encrypted, verify_backup
from models.db import Database, open_database
from models.integrity import mark_clean_close, mark_open
from models.lock import lock_path
from models.meetings import list_meetings
from models.roster import list_branches
from tests.models.backup_support import add_meeting, file_sha, populate
from tests.ui import gui_support
from ui import msgbox
from ui.backup_page import BackupPage
from ui.startup_checks import on_exit, open_for_gui, release_lock

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


# every message box answers Yes (tests.ui.gui_support.answer)
answer = gui_support.answer
pytestmark = pytest.mark.usefixtures("answer")


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> BackupPage:
    branch_id = populate(db)
    widget = BackupPage(db, branch_id)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    return widget


def _meetings(db: Database) -> int:
    with db.reading() as s:
        return sum(len(list_meetings(s, b.id)) for b in list_branches(s))


def test_backup_to_folder_with_passphrase(page: BackupPage, qtbot: QtBot, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    page.set_target(usb)
    assert not page.encrypt.isChecked()  # a local folder: encryption off by default
    qtbot.mouseClick(page.encrypt, Qt.MouseButton.LeftButton, pos=QPoint(8, page.encrypt.height() // 2))
    assert page.encrypt.isChecked() and page.passphrase.isEnabled()
    qtbot.keyClicks(page.passphrase, "secret12")
    qtbot.keyClicks(page.passphrase2, "secret13")
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert "两次输入的密码不一致" in msgbox.ASKED[-1]
    assert list(usb.iterdir()) == []
    page.passphrase2.clear()
    qtbot.keyClicks(page.passphrase2, "secret12")
    with qtbot.waitSignal(page.backup_done, timeout=20000) as signal:
        qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].startswith("最近备份：")
    (made,) = usb.iterdir()
    assert is_encrypted(made) and verify_backup(made, "secret12").manifest.counts["meeting"] == 2
    assert "备份完成并已校验" in page.outcome.text()
    assert page.last_backup_text() == signal.args[0]
    assert page.encrypt.isChecked()  # the user's choice survives the refresh after the backup
    page.grab().save(str(tmp_path.parent / "backup_page.png"))


def test_failed_backup_is_explained(page: BackupPage, qtbot: QtBot, tmp_path: Path) -> None:
    page.set_target(tmp_path / "pulled-out-stick")
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "未完成" in page.outcome.text(), timeout=20000)
    assert "不存在或无法访问" in page.outcome.text()
    assert page.backup_button.isEnabled()


def test_restore_selected_backup_asks_then_reloads(page: BackupPage, qtbot: QtBot, db: Database) -> None:
    auto_backup(db.path)
    add_meeting(db, page.branch_id, "备份之后的会议")
    page.refresh()
    assert page.model.rowCount() == 1 and page.model.index(0, 3).data() == "备份时已校验"
    page.table.selectRow(0)
    msgbox.AUTO_ANSWER = NO
    page.restore_selected()
    qtbot.waitUntil(lambda: "已取消恢复" in page.outcome.text(), timeout=20000)
    assert _meetings(db) == 3 and "党支部：测试第一党支部" in msgbox.ASKED[-1]
    msgbox.AUTO_ANSWER = YES
    with qtbot.waitSignal(page.database_replaced, timeout=20000):
        page.restore_selected()
    assert _meetings(db) == 2  # the same Database object now reads the restored file
    assert "恢复前的数据库已保存为" in page.outcome.text()
    kinds = {e.kind for e in list_backups()}
    assert kinds == {"auto", "safety"} and page.model.rowCount() == 2
    assert "还没有备份到U盘" in page.status.text()
    page.grab().save(str(page.db.path.parent.parent / "backup_page_list.png"))


def test_merge_other_branch_backup(page: BackupPage, qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    other = open_database(tmp_path / "other.sqlite3")
    populate(other, name="第二党支部", meetings=1)
    backup = create_backup(other.path, tmp_path, passphrase="pw1234").path
    other.close()
    page.ask_passphrase = lambda path: "pw1234"
    with qtbot.waitSignal(page.database_replaced, timeout=20000):
        page.merge(backup)
    assert _meetings(db) == 3 and "新增" in page.outcome.text()
    page.ask_passphrase = lambda path: "wrong!"
    page.merge(backup)
    qtbot.waitUntil(lambda: "密码错误或文件已损坏" in page.outcome.text(), timeout=20000)
    assert _meetings(db) == 3


def test_open_for_gui_locks_checks_and_backs_up_on_exit(qtbot: QtBot, db: Database) -> None:
    populate(db)
    db.close()
    opened = open_for_gui(None, db.path)
    assert opened is not None and lock_path(db.path).exists()
    assert open_for_gui(None, db.path) is None  # a second window on the same database
    assert "正在被" in msgbox.ASKED[-1]
    on_exit(opened)
    opened.close()
    assert not lock_path(db.path).exists()
    assert [e.kind for e in list_backups()] == ["auto"]
    again = open_for_gui(None, db.path)
    assert again is not None
    again.close()
    release_lock(db.path)


def _damage(path: Path, first_byte: int = 8192) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(first_byte, len(data) - 4096, 4096):
        data[offset + 100: offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))


def _damage_index(path: Path, index: str) -> None:
    con = sqlite3.connect(path)
    page_size, root = (con.execute("PRAGMA page_size").fetchone()[0],
                       con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0])
    con.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size + 8)
        fh.write(b"\xff" * (page_size - 16))


def test_window_that_cannot_read_its_records_checks_before_giving_up(qtbot: QtBot, db: Database) -> None:
    from ui.main_window import MainWindow
    from ui.startup_checks import recheck_after_failure

    populate(db, members=20, meetings=20, minutes="记录" * 3000)
    db.close()
    auto_backup(db.path)
    _damage(db.path, first_byte=db.path.stat().st_size // 2)  # the records, not the schema: it opens
    opened = open_for_gui(None, db.path)
    assert opened is not None
    with pytest.raises(Exception, match="malformed"):
        MainWindow(opened)
    msgbox.AUTO_ANSWER = YES
    assert recheck_after_failure(None, opened)
    assert any("已损坏" in q for q in msgbox.ASKED) and _meetings(opened) == 20
    window = MainWindow(opened)  # what run_gui does next
    qtbot.addWidget(window)
    assert window.meetings_page.model.total() == 20
    opened.close()
    release_lock(db.path)


@pytest.mark.parametrize("unclean", [False, True])
def test_damaged_database_offers_newest_backup(qtbot: QtBot, db: Database, unclean: bool) -> None:
    """Damage that stops the file from opening, or found by the full check that comes first
    after an unclean exit, is told before any window, with the newest good backup offered."""
    populate(db, members=20, meetings=20, minutes="记录" * 3000)
    db.close()
    auto_backup(db.path)
    _damage(db.path)  # the schema's pages too: the file cannot even be opened
    if unclean:
        mark_open(db.path)
    damaged = file_sha(db.path)
    msgbox.AUTO_ANSWER = NO
    assert open_for_gui(None, db.path) is None
    assert "已损坏" in msgbox.ASKED[-1] and "是否从最新的完好备份恢复" in msgbox.ASKED[-1]
    assert file_sha(db.path) == damaged  # never restored without asking
    assert not lock_path(db.path).exists()
    msgbox.AUTO_ANSWER = YES
    opened = open_for_gui(None, db.path)
    assert opened is not None and _meetings(opened) == 20
    assert (paths.backups_dir().parent / "x").parent.exists()
    assert db.path.with_name("records.sqlite3.damaged").exists()
    opened.close()
    release_lock(db.path)


def test_routine_check_runs_once_the_window_is_up_and_offers_a_backup(qtbot: QtBot, db: Database) -> None:
    from ui.main_window import MainWindow
    from ui.startup_checks import start_routine_check

    populate(db, members=20, meetings=20, minutes="记录" * 3000)
    db.close()
    auto_backup(db.path)
    mark_clean_close(db.path)
    sound = open_for_gui(None, db.path)  # a sound file opens with no check before the window
    assert sound is not None and not [q for q in msgbox.ASKED if "已损坏" in q]
    window = MainWindow(sound)
    qtbot.addWidget(window)
    reloaded: list[bool] = []
    start_routine_check(window, sound, lambda: reloaded.append(True))
    qtbot.wait(300)
    assert not [q for q in msgbox.ASKED if "已损坏" in q] and not reloaded  # sound: nothing said
    on_exit(sound)
    sound.close()

    _damage_index(db.path, "ix_attendance_member")  # not read to show the window
    damaged = open_for_gui(None, db.path)
    assert damaged is not None and not [q for q in msgbox.ASKED if "已损坏" in q]
    window = MainWindow(damaged)
    qtbot.addWidget(window)
    msgbox.AUTO_ANSWER = YES
    start_routine_check(window, damaged, lambda: reloaded.append(True))
    qtbot.waitUntil(lambda: bool(reloaded), timeout=30000)
    assert any("已损坏" in q and "是否从最新的完好备份恢复" in q for q in msgbox.ASKED)
    assert db.path.with_name("records.sqlite3.damaged").exists()
    assert _meetings(damaged) == 20  # the restored file, read through the same Database
    damaged.close()
    release_lock(db.path)


def test_verify_selected_marks_a_damaged_backup(page: BackupPage, qtbot: QtBot, db: Database) -> None:
    good = auto_backup(db.path).path
    bad = paths.backups_dir() / "测试第一党支部_20991231-000000.bbk"
    bad.write_bytes(good.read_bytes()[:-1])
    page.refresh()
    rows = {e.path: i for i, e in enumerate(page.model.entries)}
    assert set(rows) == {bad, good}
    page.table.selectRow(rows[bad])
    page.verify_selected()
    qtbot.waitUntil(lambda: page.model.index(rows[bad], 3).data() == "已损坏", timeout=20000)
    assert "少了 1 字节" in page.outcome.text()
    page.table.selectRow(rows[good])
    page.verify_selected()
    qtbot.waitUntil(lambda: page.model.index(rows[good], 3).data() == "完好", timeout=20000)
    assert page.model.index(rows[bad], 3).data() == "已损坏"


def test_database_on_a_stick_is_copied_to_the_local_disk(qtbot: QtBot, db: Database,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.startup_checks as checks

    populate(db)
    db.close()
    stick_sha = file_sha(db.path)
    monkeypatch.setattr(checks, "drive_kind", lambda path: "removable" if path == db.path else "local")
    msgbox.AUTO_ANSWER = NO
    assert open_for_gui(None, db.path) is None
    assert "位于U盘或移动硬盘上" in msgbox.ASKED[-1]
    msgbox.AUTO_ANSWER = YES
    opened = open_for_gui(None, db.path)
    assert opened is not None and opened.path == paths.default_db_path()
    assert _meetings(opened) == 2 and file_sha(db.path) == stick_sha
    on_exit(opened)
    opened.close()


def test_daily_backup_timer(qtbot: QtBot, page: BackupPage, db: Database) -> None:
    from ui.startup_checks import start_daily_backups

    timer = start_daily_backups(page, db, interval_ms=10)
    qtbot.waitUntil(lambda: len(list_backups()) == 1, timeout=20000)
    qtbot.wait(100)  # not due again within the day
    timer.stop()
    assert len(list_backups()) == 1


def test_toolbar_backup_to_stick_is_encrypted_by_default(page: BackupPage, qtbot: QtBot, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.backup_page as module

    stick = tmp_path / "KINGSTON"
    monkeypatch.setattr(module, "removable_volumes", list)
    page.backup_to_removable()
    assert "没有找到U盘" in msgbox.ASKED[-1]
    stick.mkdir()
    monkeypatch.setattr(module, "removable_volumes", lambda: [("U盘 KINGSTON", stick)])
    monkeypatch.setattr(module, "drive_kind", lambda path: "removable" if path == stick else "local")
    page.ask_new_passphrase = lambda: None  # cancelled: nothing written
    page.backup_to_removable()
    assert page.encrypt.isChecked() and list(stick.iterdir()) == []
    page.ask_new_passphrase = lambda: "stick-pass"
    with qtbot.waitSignal(page.backup_done, timeout=20000):
        page.backup_to_removable()
    (made,) = stick.iterdir()
    assert is_encrypted(made) and verify_backup(made, "stick-pass").manifest.branches == ["测试第一党支部"]
    assert page.reminder_text() is None  # a backup to a stick was just made


def test_restore_and_merge_check_the_backup_once_and_leave_no_copy(
        page: BackupPage, qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import models.merge
    import models.restore
    import ui.backup_page

    def _work_folders() -> list[Path]:
        return [p for p in db.path.parent.iterdir() if p.name.startswith(".bbk-work-")]

    def checked_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the backup was extracted and checked a second time")

    opened: list[Path] = []
    real_open = ui.backup_page.opened_backup

    def counting(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        opened.append(path)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ui.backup_page, "opened_backup", counting)
    monkeypatch.setattr(models.restore, "opened_backup", checked_again)
    monkeypatch.setattr(models.merge, "opened_backup", checked_again)
    backup = auto_backup(db.path).path
    add_meeting(db, page.branch_id, "备份之后的会议")
    msgbox.AUTO_ANSWER = NO
    page.restore(backup)
    qtbot.waitUntil(lambda: "已取消恢复" in page.outcome.text(), timeout=20000)
    assert _work_folders() == [] and _meetings(db) == 3
    msgbox.AUTO_ANSWER = YES
    with qtbot.waitSignal(page.database_replaced, timeout=20000):
        page.restore(backup)
    assert _meetings(db) == 2 and _work_folders() == []
    other = open_database(tmp_path / "other.sqlite3")
    populate(other, name="第二党支部", meetings=1)
    other_backup = create_backup(other.path, tmp_path).path
    other.close()
    with qtbot.waitSignal(page.database_replaced, timeout=20000):
        page.merge(other_backup)
    assert _meetings(db) == 3 and _work_folders() == []
    assert opened == [backup, backup, other_backup]
    broken = tmp_path / "broken.bbk"
    broken.write_bytes(other_backup.read_bytes()[:-1])
    page.merge(broken)
    qtbot.waitUntil(lambda: "少了 1 字节" in page.outcome.text(), timeout=20000)
    assert _work_folders() == [] and _meetings(db) == 3


def test_password_fields_are_off_while_encryption_is_off(page: BackupPage, qtbot: QtBot) -> None:
    page.target.setCurrentIndex(-1)
    page.encrypt.setChecked(False)
    assert not page.passphrase.isEnabled() and not page.passphrase2.isEnabled()
    page.encrypt.click()
    assert page.encrypt.isChecked() and page.passphrase.isEnabled() and page.passphrase2.isEnabled()
    fresh = BackupPage(page.db, page.branch_id)  # a new page with no target chosen yet
    qtbot.addWidget(fresh)
    assert fresh.encrypt.isChecked() or not fresh.passphrase.isEnabled()


def test_window_backup_verifies_from_the_command_line_with_the_same_passphrase_file(
        page: BackupPage, qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One passphrase rule (models.passphrase): spaces typed in the window are part of the
    passphrase, and the same text in a file (as Notepad saves it) opens the backup."""
    import main
    from tests.ui.gui_support import ime_type

    usb = tmp_path / "usb"
    usb.mkdir()
    page.set_target(usb)
    page.encrypt.setChecked(True)
    typed = " 支部 密码 7 "
    for edit in (page.passphrase, page.passphrase2):
        qtbot.keyClick(edit, Qt.Key.Key_Space)
        ime_type(edit, "支部")
        qtbot.keyClicks(edit, " ")
        ime_type(edit, "密码")
        qtbot.keyClicks(edit, " 7 ")
    assert page.passphrase.text() == typed
    with qtbot.waitSignal(page.backup_done, timeout=20000):
        qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    (made,) = usb.iterdir()
    notepad = tmp_path / "密码.txt"
    notepad.write_bytes(b"\xef\xbb\xbf" + typed.encode() + b"\r\n")  # BOM and CRLF, as Notepad saves
    assert main.main(["verify", str(made), "--passphrase-file", str(notepad)]) == 0, capsys.readouterr().err
    assert "备份完好" in capsys.readouterr().out
    stripped = tmp_path / "去掉空格.txt"
    stripped.write_text(typed.strip() + "\n", encoding="utf-8")
    assert main.main(["verify", str(made), "--passphrase-file", str(stripped)]) == 1  # not the same passphrase
    capsys.readouterr()


def test_short_passphrase_refused_alike_in_window_and_command_line(
        page: BackupPage, qtbot: QtBot, db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import main

    usb = tmp_path / "usb"
    usb.mkdir()
    page.set_target(usb)
    page.encrypt.setChecked(True)
    for edit in (page.passphrase, page.passphrase2):
        qtbot.keyClicks(edit, "abc")
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    window_says = msgbox.ASKED[-1]
    short = tmp_path / "pw.txt"
    short.write_text("abc\n", encoding="utf-8")
    assert main.main(["backup", "--db", str(db.path), "--to", str(usb), "--passphrase-file", str(short)]) == 1
    assert "至少要 6 个字符" in window_says and "至少要 6 个字符" in capsys.readouterr().err
    assert list(usb.iterdir()) == []
