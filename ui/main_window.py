"""The main window: navigation on the left (会议记录, 党员名册, 学习笔记, 统计与提醒, 备份与恢复),
the toolbar (新建会议, 打印/导出, 备份到U盘), and a status bar with the database file and the
last backup. Pages do their own work; the window wires them together and keeps what they share:
the database, the branch on show, its settings.

Its parts live beside it: the toolbar and menus (ui.window_bars), the page stack and navigation
(ui.page_stack) with each page built and wired on first use (ui.window_pages), the start-up after
the first paint and the notices (ui.window_start), the meeting editors (ui.meeting_editors) and
打印/导出 / 识别签到表照片 (ui.window_documents)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSize, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.enums import MeetingType
from ui import window_bars, window_documents, window_start
from ui.branch_switcher import BranchSwitcher, remember_branch, remembered_branch
from ui.meeting_editors import MeetingEditors
from ui.meetings_page import MeetingsPage
from ui.page_stack import VIEWS, PageStack, navigation_list
from ui.screen_fit import keep_within_screen, open_fitted, scrolling
from ui.settings import (
    LAST_VIEW,
    SPLITTER_SIZES,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    Settings,
)
from ui.window_pages import build_page

if TYPE_CHECKING:  # the pages are imported when first built: the window paints sooner
    from ui.backup_page import BackupPage
    from ui.help import ManualDialog
    from ui.meeting_editor import MeetingEditor
    from ui.notes_page import NotesPage
    from ui.period_dialog import PeriodDialog
    from ui.recycle_dialog import RecycleDialog
    from ui.roster_page import RosterPage
    from ui.stats_page import StatsPage


class MainWindow(QMainWindow):
    #: the deferred start-up work is done (statistics, notices, every page built).
    started = Signal()
    #: 连接服务器 succeeded: the open Database the window's session switches to (ui.window_session)
    database_chosen = Signal(object)
    #: 打开本机数据库: back from a server to the local database file
    local_requested = Signal()

    # Made by ui.window_bars (the 文件 menu's server entries by ui.server_menu).
    new_action: QAction
    print_action: QAction
    print_menu: QMenu
    print_actions: dict[str, QAction]
    backup_action: QAction
    settings_action: QAction
    branch_switcher: BranchSwitcher
    switcher_action: QAction
    search_action: QAction
    recycle_action: QAction
    scan_action: QAction
    server_action: QAction
    recent_servers_menu: QMenu
    local_action: QAction
    view_actions: list[QAction]
    manual_action: QAction
    shortcuts_action: QAction
    about_action: QAction
    help_menu: QMenu
    #: the last 本月汇编 / 年度台账 period dialog (ui.window_documents)
    period_dialog: PeriodDialog

    def __init__(self, db: Database, branch_id: int | None = None, settings: Settings | None = None) -> None:
        super().__init__()
        self.db = db
        self.settings = settings or Settings()
        if branch_id is None:
            branch_id = remembered_branch(self.db, self.settings)
            if branch_id is None:
                from ui.first_run import ensure_branch

                branch_id = ensure_branch(db, self)
        if branch_id is None:
            raise RuntimeError("no branch")  # run_gui asks first; this is a programming error
        self.branch_id = branch_id
        self.meeting_editors = MeetingEditors(self)
        self.editors = self.meeting_editors.by_meeting
        self.start_up = window_start.StartUp(self)

        self.nav = navigation_list()
        self.stack = PageStack(lambda key: build_page(self, key))
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(scrolling(self.stack))
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.notice = window_start.notice_label()
        self.notice.linkActivated.connect(self.show_view)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.notice)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        window_bars.build_toolbar(self)
        self.db_label = QLabel()
        self.backup_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.backup_label)
        self._build_pages()
        self.nav.currentRowChanged.connect(self._show_row)
        self._restore_settings()

    # --- pages ------------------------------------------------------------------------------------
    def _build_pages(self) -> None:
        """Placeholders for every view, and the 会议记录 page itself; the rest are built when
        first needed (see ``finish_start_up``)."""
        self.stack.reset()
        self.stack.page("meetings")
        self.stack.size_to_current_page()
        self._update_title()
        self.db_label.setText(f"{'服务器' if self.db.is_server else '数据库'}：{self.db.label}")

    @property
    def meetings_page(self) -> MeetingsPage:
        page = self.stack.page("meetings")
        assert isinstance(page, MeetingsPage)
        return page

    @property
    def roster_page(self) -> RosterPage:
        page = self.stack.page("roster")
        from ui.roster_page import RosterPage

        assert isinstance(page, RosterPage)
        return page

    @property
    def notes_page(self) -> NotesPage:
        page = self.stack.page("notes")
        from ui.notes_page import NotesPage

        assert isinstance(page, NotesPage)
        return page

    @property
    def stats_page(self) -> StatsPage:
        page = self.stack.page("stats")
        from ui.stats_page import StatsPage

        assert isinstance(page, StatsPage)
        return page

    @property
    def backup_page(self) -> BackupPage:
        page = self.stack.page("backup")
        from ui.backup_page import BackupPage

        assert isinstance(page, BackupPage)
        return page

    def refresh_if_built(self, key: str) -> None:
        """Records changed: a page already built reads them again (one built later reads them then)."""
        if key == "stats" and self.stack.is_built("stats"):
            self.stats_page.refresh()
        elif key == "notes_members" and self.stack.is_built("notes"):
            self.notes_page.refresh_members()
        elif key == "notes_meetings" and self.stack.is_built("notes"):
            self.notes_page.refresh_meetings()

    def roster_changed(self) -> None:
        self.refresh_if_built("stats")
        self.refresh_if_built("notes_members")

    def records_changed(self) -> None:
        """Meetings saved, deleted or their attendance read from a photo: the lists follow."""
        self.meetings_page.refresh_years()
        self.meetings_page.reload()
        self.refresh_if_built("notes_meetings")
        self.refresh_if_built("stats")

    # --- start-up (ui.window_start) ------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.start_up.is_running() and not self.is_started():
            self.finish_start_up()
        return super().event(event)

    def is_started(self) -> bool:
        return self.start_up.is_started()

    def finish_start_up(self) -> None:
        """After the first paint: the year's statistics (badge and notices), then the other pages,
        one per event-loop turn so that the window answers in between."""
        self.start_up.finish()

    def show_startup_notices(self, today: date | None = None) -> None:
        """What is still due this month (本月尚需召开) and the USB backup reminder, at the top."""
        window_start.show_notices(self, today)

    # --- the branch on show (a committee's database holds several) ---------------------------------
    def _update_title(self) -> None:
        names = self.branch_switcher.reload(self.db, self.branch_id)
        name = names.get(self.branch_id)
        # Ends with the application's name: Qt adds “ — 支部工作记录本” to a title that does not,
        # and the title bar and the taskbar then named the program twice.
        self.setWindowTitle(f"{name if name else '未设置党支部'} — 支部工作记录本")
        several = len(names) > 1
        self.switcher_action.setVisible(several)
        self.nav.item(len(VIEWS) - 1).setHidden(not several)  # 党委工作台
        self.view_actions[-1].setVisible(several)

    def open_branch(self, branch_id: int) -> None:
        """From a row of the 党委工作台: that branch's meetings."""
        if self.switch_branch(branch_id):
            self.show_view("meetings")

    def branches_joined(self, keep: int) -> None:
        """After 合并同名党支部: the branch on show may be the one joined into ``keep``."""
        from models.branches import branch_exists

        with self.db.reading() as s:
            gone = not branch_exists(s, self.branch_id)
        if gone:
            self.branch_id = keep
            remember_branch(self.db, self.settings, keep)
        self.reload_all()
        if self.view_actions[-1].isVisible():
            self.show_view("committee")
        else:  # one branch left: no 党委工作台 any more
            self.show_view("meetings")

    def switch_branch(self, branch_id: int) -> bool:
        """Show ``branch_id`` on every page (meetings, roster, notes, statistics, documents,
        exports); remembered for this database. False when an open editor keeps its changes."""
        if branch_id == self.branch_id:
            return True
        if not self.confirm_discard_typing():
            self.branch_switcher.reload(self.db, self.branch_id)
            return False
        self.branch_id = branch_id
        remember_branch(self.db, self.settings, branch_id)
        self.reload_all()
        return True

    # --- navigation -------------------------------------------------------------------------------
    def show_view(self, key: str) -> None:
        for row, (view, _label, _icon) in enumerate(VIEWS):
            if view == key:
                self.nav.setCurrentRow(row)
                return

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(VIEWS):
            self.stack.page(VIEWS[row][0])
            self.stack.setCurrentIndex(row)

    def current_view(self) -> str:
        return VIEWS[max(self.nav.currentRow(), 0)][0]

    def set_alert_badge(self, count: int) -> None:
        item = self.nav.item(3)
        item.setText(f"统计与提醒（{count}）" if count else "统计与提醒")
        item.setForeground(QColor("#c62828") if count else QColor())
        item.setToolTip(f"有 {count} 条提醒" if count else "")

    def focus_search(self) -> None:
        self.show_view("meetings")
        self.meetings_page.focus_search()

    # --- meetings (ui.meeting_editors) ----------------------------------------------------------------
    def open_meeting(self, meeting_id: int) -> MeetingEditor:
        return self.meeting_editors.open(meeting_id)

    def new_meeting(self, meeting_type: MeetingType | None = None, day: date | None = None,
                    group_id: int | None = None) -> MeetingEditor:
        return self.meeting_editors.new(meeting_type, day, group_id)

    # --- toolbar and menus (ui.window_bars, ui.window_documents) -----------------------------------------
    def open_manual(self, anchor: str = "") -> ManualDialog:
        """使用手册 (F1), at ``anchor`` when given."""
        return window_bars.open_manual(self, anchor)

    def print_report(self, kind: str) -> None:
        """打印/导出: minutes and sign-in sheet of the selected meeting; the compilation of a month
        and the ledger of a year chosen in a small dialog (not taken from the selection)."""
        window_documents.print_report(self, kind)

    def choose_period(self, kind: str) -> PeriodDialog:
        """Ask which month (本月汇编) or year (年度台账); 生成并预览 builds the document."""
        return window_documents.choose_period(self, kind)

    def scan_signin(self, photos: list[Path] | None = None) -> None:
        """识别签到表照片: for the selected meeting (ui/scan_dialog.py)."""
        window_documents.scan_signin(self, photos)

    def scan_saved(self, meeting_id: int) -> None:
        self.records_changed()
        self.meetings_page.select_meeting(meeting_id)

    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        if SettingsDialog(self.db, self.branch_id, self).exec():
            self._update_title()
            self.refresh_if_built("stats")
            self.show_startup_notices()

    def backup_done(self, text: str) -> None:
        # The permanent label on the right is where 最近备份 lives; a temporary message on the
        # left would show the same words twice.
        self.backup_label.setText(text)
        self.show_startup_notices()

    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted meetings, notes and members; a restore reloads every page."""
        from ui.recycle_dialog import RecycleDialog

        dialog = RecycleDialog(self.db, self.branch_id, self, may_reload=self.confirm_discard_typing)
        dialog.restored.connect(self.reload_all)
        dialog.open()
        return dialog

    # --- typing kept, records read again -----------------------------------------------------------
    def confirm_discard_typing(self) -> bool:
        """Before every page reads the records again (a restore, a merge, the recycle bin, another
        branch): each open meeting editor and the notes page ask 保存 / 不保存 / 取消 where typing
        would be lost, and the editors close. False when the person cancels."""
        return self._let_typing_go(raise_kept=True)

    def _let_typing_go(self, *, raise_kept: bool) -> bool:
        if not self.meeting_editors.close_all(raise_kept=raise_kept):
            return False
        if self.stack.is_built("notes") and not self.notes_page.confirm_leave():
            self.show_view("notes")
            return False
        return True

    def reload_all(self) -> None:
        """After a restore or merge: every page reads the records again."""
        self.meeting_editors.drop_all()
        from models.branches import branch_exists

        with self.db.reading() as s:
            still_there = branch_exists(s, self.branch_id)
        if not still_there:
            self.branch_id = remembered_branch(self.db, self.settings) or self.branch_id
        view = self.current_view()
        self._build_pages()
        self.show_view(view)
        self.stack.page(view)
        if self.is_started():
            for key in ("stats", "backup"):
                self.stack.page(key)
            self.show_startup_notices()

    # --- settings ---------------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.get(WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            open_fitted(self, QSize(1280, 820))
        keep_within_screen(self)  # remembered on a larger screen, or at a smaller font scale
        state = self.settings.get(WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        sizes: list[int] = self.settings.get(SPLITTER_SIZES)
        self.splitter.setSizes(sizes)
        self.show_view(self.settings.get(LAST_VIEW))
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def save_settings(self) -> None:
        self.settings.set(WINDOW_GEOMETRY, QByteArray(self.saveGeometry()))
        self.settings.set(WINDOW_STATE, QByteArray(self.saveState()))
        self.settings.set(SPLITTER_SIZES, self.splitter.sizes())
        self.settings.set(LAST_VIEW, self.current_view())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A closing window leaves an editor that keeps its typing where it is (not raised).
        if not self._let_typing_go(raise_kept=False):
            event.ignore()
            return
        self.save_settings()
        event.accept()
