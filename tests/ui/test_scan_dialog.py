"""核对签到表识别结果 (ui/scan_dialog.py): from a photographed signed sheet, through the main
window, to the meeting's attendance — 待确认 rows need a click, nothing is saved before 确认并保存."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("cv2", reason="the scan reader needs the optional extra: pip install -e .[scan]")

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from models.audit import list_entries
from models.db import Database
from models.enums import AttendanceStatus, AuditAction
from models.meetings import get_meeting
from models.scan import proposal as sp
from tests import scan_support as ss
from tests.ui import gui_support
from ui import msgbox
from ui.main_window import MainWindow
from ui.scan_dialog import ScanDialog

answer = gui_support.answer


@pytest.fixture
def photo(db: Database, branch_id: int, tmp_path: Path) -> tuple[int, Path, list[str]]:
    """An 8-member sheet: each row signed or with writing in 备注 only (that row is 待确认)."""
    sheet = ss.printed_sheet(db, branch_id, 8, 21, tmp_path)
    meeting = sheet.meeting_id
    page = ss.sign_page(sheet.flat, sheet.page_key, sheet.names, random.Random(8), signed_share=0.6, stray_share=0,
                        tiny_share=0, note_share=0.4)
    assert ss.NOTE_ONLY in page.truth and ss.SIGNED in page.truth
    path = ss.save_jpeg(ss.scan(page.image, random.Random(1), 200), tmp_path / "签到表.jpg")
    return meeting, path, page.truth


def test_unsure_rows_need_a_click_and_nothing_is_saved_before_confirming(
    qtbot: QtBot, db: Database, branch_id: int, photo: tuple[int, Path, list[str]], answer: list,
) -> None:
    meeting, path, truth = photo
    window = MainWindow(db, branch_id)
    qtbot.addWidget(window)
    window.show()
    assert window.scan_action.isVisible()
    window.meetings_page.select_meeting(meeting)
    window.scan_signin([path])
    qtbot.waitUntil(lambda: isinstance(getattr(window, "scan_dialog", None), ScanDialog), timeout=20000)
    dialog: ScanDialog = window.scan_dialog  # type: ignore[attr-defined]
    dialog.grab().save(str(path.with_suffix(".dialog.png")))
    rows = dialog.proposal.rows
    unsure = [r for r in rows if r.status == sp.UNSURE]
    assert unsure and all(r.crop_jpeg for r in rows)
    assert dialog.undecided() == [r.member_id for r in unsure]
    assert not dialog.save_button.isEnabled()
    assert "应到 8 人" in dialog.totals.text() and f"还有 {len(unsure)} 行待确认" in dialog.totals.text()
    for r, t in zip(rows, truth, strict=True):  # confident rows come pre-filled, 未签 left as 缺席
        if r.status == sp.PRESENT:
            assert t == ss.SIGNED and dialog.choice(r.member_id) == AttendanceStatus.PRESENT
    with db.reading() as s:
        assert get_meeting(s, meeting).attendance == []  # nothing saved yet
    for r in unsure:
        dialog.choose(r.member_id, AttendanceStatus.LEAVE)
    assert dialog.save_button.isEnabled() and "待确认" not in dialog.totals.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert msgbox.ASKED == []
    with db.reading() as s:
        saved = {a.member_id: a.status for a in get_meeting(s, meeting).attendance}
        assert saved == {r.member_id: dialog.choice(r.member_id) for r in rows}
        assert sum(1 for v in saved.values() if v == AttendanceStatus.LEAVE) == len(unsure)
        assert any(e.action == str(AuditAction.IMPORT) for e in list_entries(s))


def test_cancelling_saves_nothing(qtbot: QtBot, db: Database, branch_id: int,
                                  photo: tuple[int, Path, list[str]]) -> None:
    meeting, path, _truth = photo
    with db.reading() as s:
        proposal = sp.propose(s, meeting, [path])
    dialog = ScanDialog(db, branch_id, proposal)
    qtbot.addWidget(dialog)
    for r in proposal.rows:
        if r.status == sp.UNSURE:
            dialog.choose(r.member_id, AttendanceStatus.PRESENT)
    dialog.reject()
    with db.reading() as s:
        assert get_meeting(s, meeting).attendance == []


def test_the_reader_is_not_imported_at_start_up() -> None:
    code = ("import sys, main, ui.main_window, ui.app; import models.scan; "
            "print(sorted(m for m in ('cv2', 'numpy', 'pypdfium2', 'models.scan.reader') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


def test_a_page_without_marks_asks_which_page_it_is_then_every_signed_row_needs_a_click(
    qtbot: QtBot, db: Database, branch_id: int, tmp_path: Path, answer: list,
) -> None:
    sheet = ss.printed_sheet(db, branch_id, 8, 23, tmp_path)
    meeting = sheet.meeting_id
    page = ss.sign_page(ss.strip_key(sheet.flat), sheet.page_key, sheet.names, random.Random(3), signed_share=0.6,
                        tiny_share=0.2,
                        note_share=0)
    path = ss.save_jpeg(ss.photograph(page.image, random.Random(2), long_side=2400), tmp_path / "Word签到表.jpg")
    window = MainWindow(db, branch_id)
    qtbot.addWidget(window)
    window.meetings_page.select_meeting(meeting)
    # first the question is cancelled: nothing opens, nothing is saved
    window.scan_signin([path])
    qtbot.waitUntil(lambda: any("这是签到表的第几页" in q for q in msgbox.ASKED), timeout=20000)
    assert getattr(window, "scan_dialog", None) is None
    msgbox.QUEUED_NUMBERS.append(1)
    window.scan_signin([path])
    qtbot.waitUntil(lambda: isinstance(getattr(window, "scan_dialog", None), ScanDialog), timeout=20000)
    dialog: ScanDialog = window.scan_dialog  # type: ignore[attr-defined]
    assert [r.name for r in dialog.proposal.rows] == sheet.names
    signed = [r for r, t in zip(dialog.proposal.rows, page.truth, strict=True) if t in (ss.SIGNED, ss.SIGNED_STRAY)]
    assert signed and all(r.status == sp.UNSURE for r in signed)
    assert not any(r.status == sp.PRESENT for r in dialog.proposal.rows)
    assert set(dialog.undecided()) >= {r.member_id for r in signed} and not dialog.save_button.isEnabled()
    assert "逐行核对" in dialog.intro.text()
    with db.reading() as s:
        assert get_meeting(s, meeting).attendance == []
