"""The main window's start-up after its first paint, and the notices at its top.

Only the 会议记录 page is built before the window first paints; the year's statistics (the alert
badge, 本月尚需召开), the backup status, the notices and the other pages follow right after, one
step per event-loop turn so that the window answers in between. A page asked for earlier — by a
click in the navigation or by code — is built on the spot (ui.page_stack).

The notices (a band above the pages): what is still due this month and the USB backup reminder,
each with a link to the page that deals with it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: What follows the first paint, in order: pages to build, and "notices".
STEPS = ("stats", "backup", "notices", "roster", "notes")


class StartUp(QObject):
    """The steps after the first paint; ``window.started`` is emitted after the last one."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._steps: list[str] = []
        self._started = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)

    def is_started(self) -> bool:
        return self._started

    def is_running(self) -> bool:
        return bool(self._steps)

    def finish(self) -> None:
        """Start the steps (once)."""
        if self._steps or self._started:
            return
        self._steps = list(STEPS)
        self._timer.start(0)

    def _step(self) -> None:
        if not self._steps:
            return
        window = self._window
        if window.stack.is_built("meetings"):
            window.meetings_page.enable_sorting()
        step = self._steps.pop(0)
        if step == "notices":
            window.show_startup_notices()
        else:
            window.stack.page(step)
        if self._steps:
            self._timer.start(0)
        else:
            self._started = True
            window.started.emit()


def notice_label() -> QLabel:
    """The band for the notices, hidden while there are none."""
    notice = QLabel()
    notice.setObjectName("startup_notice")
    notice.setWordWrap(True)
    notice.setStyleSheet("QLabel#startup_notice { background: #fff4e5; color: #8a4b00;"
                         " border-bottom: 1px solid #f0c36d; padding: 6px 12px; }")
    notice.hide()
    return notice


GROUPS_LISTED = 3  # more 党小组会 due than this are counted, not named: the band stays one line


def due_text(due: list[str]) -> str:
    """What is due, as the band says it: every kind by name, but the 党小组会 of many groups as
    one count (in December a branch of eleven groups owes eleven of them, which wrapped the band
    over three lines and pushed the page below out of a 1366×768 screen)."""
    groups = [label for label in due if label.endswith("小组会")]
    if len(groups) <= GROUPS_LISTED:
        return "、".join(due)
    shown = [label for label in due if label not in groups]
    shown.insert(due.index(groups[0]), f"{len(groups)} 个党小组的党小组会")  # where the first group stood
    return "、".join(shown)


def show_notices(window: MainWindow, today: date | None = None) -> None:
    """What is still due this month (本月尚需召开) and the USB backup reminder, in ``window.notice``."""
    from models.compliance import due_in_month, due_this_month

    today = today or date.today()
    data = window.stats_page.data  # usually this very year, just computed: don't compute it again
    if data is not None and data.year == today.year and window.stats_page.today() == today:
        due = due_in_month(data, today)
    else:
        with window.db.reading() as s:
            due = due_this_month(s, window.branch_id, today)
    lines = []
    if due:
        lines.append(f"本月尚需召开：{due_text(due)}。<a href=\"stats\">查看统计与提醒</a>")
    reminder = window.backup_page.reminder_text()
    if reminder:
        lines.append(f"{reminder} <a href=\"backup\">去备份</a>")
    window.notice.setText("<br>".join(lines))
    window.notice.setVisible(bool(lines))
