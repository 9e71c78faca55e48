"""打印/导出 and 识别签到表照片 from the main window: the minutes and sign-in sheet of the meeting
selected in 会议记录, a month's compilation or a year's ledger for a period asked in a small
dialog, and the attendance read from photos of a signed sheet (ui/scan_dialog.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from ui import msgbox

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.period_dialog import PeriodDialog


def _selected_meeting(window: MainWindow, title: str) -> int | None:
    """The meeting selected in 会议记录; None, after saying so and showing the list, when there is none."""
    meeting_id = window.meetings_page.selected_id()
    if meeting_id is None:
        msgbox.inform(window, title, "请先在“会议记录”列表中选择一次会议。")
        window.show_view("meetings")
    return meeting_id


def print_report(window: MainWindow, kind: str) -> None:
    """Minutes (``"minutes"``) and sign-in sheet (``"signin"``) of the selected meeting; the
    compilation of a month and the ledger of a year chosen in a small dialog (not taken from the
    selection)."""
    from ui.preview import preview_report

    if kind in ("minutes", "signin"):
        meeting_id = _selected_meeting(window, "打印/导出")
        if meeting_id is not None:
            preview_report(window, window.db, kind, branch_id=window.branch_id, meeting_id=meeting_id)
        return
    choose_period(window, kind)


def choose_period(window: MainWindow, kind: str) -> PeriodDialog:
    """Ask which month (本月汇编) or year (年度台账), starting from the last month with held
    meetings; 生成并预览 builds the document. The dialog is kept as ``window.period_dialog``."""
    from models.periods import last_held_day
    from ui.period_dialog import PeriodDialog
    from ui.preview import preview_report

    with window.db.reading() as s:
        last = last_held_day(s, window.branch_id)
    dialog = PeriodDialog(window, kind, last or date.today())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if kind == "monthly":
        dialog.accepted.connect(lambda: preview_report(window, window.db, kind, branch_id=window.branch_id,
                                                       month=dialog.month()))
    else:
        dialog.accepted.connect(lambda: preview_report(window, window.db, kind, branch_id=window.branch_id,
                                                       year=dialog.year()))
    window.period_dialog = dialog
    dialog.open()
    return dialog


def scan_signin(window: MainWindow, photos: list[Path] | None = None) -> None:
    """识别签到表照片 for the selected meeting."""
    from ui.scan_dialog import scan_photos

    meeting_id = _selected_meeting(window, "识别签到表照片")
    if meeting_id is not None:
        scan_photos(window, window.db, window.branch_id, meeting_id, photos)
