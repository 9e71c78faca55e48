"""The main window: navigation on the left (会议记录, 党员名册, 学习笔记, 统计与提醒, 备份与恢复),
the toolbar (新建会议, 打印/导出, 备份到U盘), and a status bar with the database file and the
last backup. Pages do their own work; the window wires them together.

Start-up: only the 会议记录 page is built before the window first paints; the year's
statistics (the alert badge, 本月尚需召开), the backup status and the other pages follow right
after, one step per event-loop turn (``finish_start_up``). A page asked for earlier — by a
click in the navigation or by code — is built on the spot."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.enums import MeetingType
from models.scan import available as scan_available
from ui import msgbox
from ui.branch_switcher import BranchSwitcher
from ui.empty_hint import EmptyHint
from ui.look import NAV_STYLE, icon
from ui.meetings_page import MeetingsPage
from ui.screen_fit import keep_within_screen, open_fitted, scrolling
from ui.settings import (
    LAST_VIEW,
    SPLITTER_SIZES,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    Settings,
)

if TYPE_CHECKING:  # the pages are imported when first built: the window paints sooner
    from ui.backup_page import BackupPage
    from ui.help import ManualDialog
    from ui.meeting_editor import MeetingEditor
    from ui.notes_page import NotesPage
    from ui.period_dialog import PeriodDialog
    from ui.recycle_dialog import RecycleDialog
    from ui.roster_page import RosterPage
    from ui.stats_page import StatsPage

#: (key, label, icon) of the navigation entries, in order.
VIEWS = (("meetings", "会议记录", "meetings"), ("roster", "党员名册", "roster"), ("notes", "学习笔记", "notes"),
         ("stats", "统计与提醒", "stats"), ("backup", "备份与恢复", "backup"),
         ("committee", "党委工作台", "stats"))  # the last: shown only when there are several branches
ROSTER_HINT = ("还没有党员。<br><br><a href=\"import\">导入名册</a>（Excel 党员名册；没有现成的表格可先"
               "<a href=\"template\">下载名册模板</a>填写）<br>或<a href=\"new\">新建党员</a>逐个录入，"
               "再<a href=\"groups\">建立党小组</a>并指定组长。")
NOTES_HINT = ("还没有学习笔记。<br><br>在右侧填写学习日期、标题、学习材料和心得体会，点“保存”即可"
              "（<a href=\"new\">开始填写</a>）。<br>关联会议和学时计入党员每年 32 学时。")
PRINT_KINDS = (("minutes", "会议记录"), ("signin", "签到表"), ("monthly", "本月汇编"), ("annual", "年度台账"))


class MainWindow(QMainWindow):
    #: the deferred start-up work is done (statistics, notices, every page built).
    started = Signal()
    #: 连接服务器 succeeded: the open Database the window's session switches to (ui.window_session)
    database_chosen = Signal(object)
    #: 打开本机数据库: back from a server to the local database file
    local_requested = Signal()

    def __init__(self, db: Database, branch_id: int | None = None, settings: Settings | None = None) -> None:
        super().__init__()
        self.db = db
        self.settings = settings or Settings()
        if branch_id is None:
            branch_id = self._remembered_branch()
            if branch_id is None:
                from ui.first_run import ensure_branch

                branch_id = ensure_branch(db, self)
        if branch_id is None:
            raise RuntimeError("no branch")  # run_gui asks first; this is a programming error
        self.branch_id = branch_id
        self.editors: dict[int | None, MeetingEditor] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet(NAV_STYLE)
        self.nav.setIconSize(QSize(22, 22))
        for key, label, icon_name in VIEWS:
            item = QListWidgetItem(icon(icon_name), label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.stack.currentChanged.connect(self._size_to_current_page)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(scrolling(self.stack))
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.notice = QLabel()
        self.notice.setObjectName("startup_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("QLabel#startup_notice { background: #fff4e5; color: #8a4b00;"
                                  " border-bottom: 1px solid #f0c36d; padding: 6px 12px; }")
        self.notice.linkActivated.connect(self.show_view)
        self.notice.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.notice)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        self.db_label = QLabel()
        self.backup_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.backup_label)
        self._pages: dict[str, QWidget] = {}
        self._start_steps: list[str] = []
        self._started = False
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.timeout.connect(self._start_up_step)
        self._build_pages()
        self.nav.currentRowChanged.connect(self._show_row)
        self._restore_settings()

    # --- construction -----------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("工具栏")
        bar.setObjectName("main_toolbar")
        bar.setIconSize(QSize(24, 24))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setMovable(False)
        self.addToolBar(bar)
        self.new_action = QAction(icon("new_meeting"), "新建会议", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setToolTip("新建会议记录（Ctrl+N）")
        self.new_action.triggered.connect(lambda: self.new_meeting())
        bar.addAction(self.new_action)
        self.print_action = QAction(icon("print"), "打印/导出", self)
        self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        self.print_action.setToolTip("打印所选会议的会议记录（Ctrl+P）")
        self.print_action.triggered.connect(lambda: self.print_report("minutes"))
        self.print_menu = QMenu(self)
        self.print_actions: dict[str, QAction] = {}
        for kind, label in PRINT_KINDS:
            action = self.print_menu.addAction(label)
            action.triggered.connect(lambda _c=False, k=kind: self.print_report(k))
            self.print_actions[kind] = action
        self.print_action.setMenu(self.print_menu)
        bar.addAction(self.print_action)
        button = bar.widgetForAction(self.print_action)
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.backup_action = QAction(icon("usb_backup"), "备份到U盘", self)
        self.backup_action.triggered.connect(lambda: self.backup_page.backup_to_removable())
        bar.addAction(self.backup_action)
        self.settings_action = QAction(icon("settings"), "设置", self)
        self.settings_action.setToolTip("党支部信息、打印字体和会议频次规则")
        self.settings_action.triggered.connect(self.open_settings)
        bar.addAction(self.settings_action)
        self._build_menus()
        self.branch_switcher = BranchSwitcher(self)
        self.branch_switcher.chosen.connect(self.switch_branch)
        self.switcher_action = bar.addWidget(self.branch_switcher)
        self.switcher_action.setVisible(False)  # shown by _update_title when there are several
        self.search_action = QAction(icon("search"), "搜索", self)
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.search_action.triggered.connect(self.focus_search)
        self.addAction(self.search_action)

    def _build_menus(self) -> None:
        """视图 (the pages, Ctrl+1…5) and 帮助 (使用手册 F1, 键盘快捷键, 关于)."""
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self.recycle_action = file_menu.addAction("回收站…")
        self.recycle_action.triggered.connect(lambda: self.open_recycle_bin())
        self.scan_action = file_menu.addAction("识别签到表照片…")
        self.scan_action.setToolTip("用签名后签到表的照片或扫描件登记所选会议的出席情况")
        self.scan_action.triggered.connect(lambda: self.scan_signin())
        self.scan_action.setVisible(scan_available())  # the optional extra "scan" is installed
        file_menu.addSeparator()
        from ui import server_menu

        server_menu.install(self, file_menu)
        views = bar.addMenu("视图(&V)")
        self.view_actions: list[QAction] = []
        for number, (key, label, icon_name) in enumerate(VIEWS, start=1):
            action = views.addAction(icon(icon_name), label)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _c=False, k=key: self.show_view(k))
            self.view_actions.append(action)
        help_menu = bar.addMenu("帮助(&H)")
        self.manual_action = help_menu.addAction("使用手册")
        self.manual_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.manual_action.triggered.connect(lambda: self.open_manual())
        self.shortcuts_action = help_menu.addAction("键盘快捷键")
        self.shortcuts_action.triggered.connect(lambda: self._help("shortcuts"))
        help_menu.addSeparator()
        self.about_action = help_menu.addAction("关于支部工作记录本")
        self.about_action.triggered.connect(lambda: self._help("about"))
        self.help_menu = help_menu

    def _help(self, what: str) -> None:
        from ui.help import show_about, show_shortcuts

        if what == "about":
            show_about(self, self.db.path)
        else:
            show_shortcuts(self)

    def open_manual(self, anchor: str = "") -> ManualDialog:
        from ui.help import ManualDialog

        dialog = ManualDialog(self, anchor)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _build_pages(self) -> None:
        """Placeholders for every view, and the 会议记录 page itself; the rest are built when
        first needed (see ``finish_start_up``)."""
        current = max(self.stack.currentIndex(), 0)
        while self.stack.count():
            widget = self.stack.widget(0)
            assert widget is not None
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self._pages = {}
        for _view in VIEWS:
            self.stack.addWidget(QWidget())
        self.stack.setCurrentIndex(current)
        self._page("meetings")
        self._size_to_current_page()
        self._update_title()
        self.db_label.setText(f"{'服务器' if self.db.is_server else '数据库'}：{self.db.label}")

    def _page(self, key: str) -> QWidget:
        """The page of view ``key``, built (and wired to the others) on first use."""
        page = self._pages.get(key)
        if page is not None:
            return page
        if key == "meetings":
            meetings = MeetingsPage(self.db, self.branch_id, self)
            meetings.open_requested.connect(self.open_meeting)
            page = meetings
        elif key == "roster":
            from ui.roster_page import RosterPage

            roster = RosterPage(self.db, self.branch_id, self)
            roster.changed.connect(self._roster_changed)
            page = roster
        elif key == "notes":
            from ui.notes_page import NotesPage

            notes = NotesPage(self.db, self.branch_id, self)
            notes.changed.connect(lambda: self._refresh_if_built("stats"))
            page = notes
        elif key == "stats":
            from ui.stats_page import StatsPage

            stats = StatsPage(self.db, self.branch_id, self)
            stats.new_meeting_requested.connect(self._new_meeting_requested)
            stats.alerts_changed.connect(self.set_alert_badge)
            # The page computed this year's figures when it was built; only the badge is still to show.
            self.set_alert_badge(stats.alert_count())
            page = stats
        elif key == "committee":
            from ui.committee_page import CommitteePage

            committee = CommitteePage(self.db, self)
            committee.branch_chosen.connect(self._open_branch)
            committee.branches_joined.connect(self._branches_joined)
            page = committee
        else:
            from ui.backup_page import BackupPage

            if self.db.is_server:  # a branch's backup to a USB stick; no file-level restore
                from ui.server_backup_page import ServerBackupPage as BackupPage  # type: ignore[assignment]
            backup = BackupPage(self.db, self.branch_id, self)
            backup.backup_done.connect(self._backup_done)
            backup.database_replaced.connect(self.reload_all)
            backup.may_replace = self.confirm_discard_typing
            self.backup_label.setText(backup.last_backup_text())
            page = backup
        self._add_empty_hint(key, page)
        index = [view for view, _label, _icon in VIEWS].index(key)
        placeholder = self.stack.widget(index)
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, page)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        self._pages[key] = page
        self._size_to_current_page()
        return page

    def _add_empty_hint(self, key: str, page: QWidget) -> None:
        """An empty list says what to do next, with links that do it (a new branch's first steps)."""
        if isinstance(page, MeetingsPage):
            def meetings_text() -> str:
                if page.search_box.text().strip() or page.type_filter.currentData() is not None:
                    return "没有符合筛选条件的会议记录。可换一个类型或清除搜索内容。"
                return ("这里还没有会议记录。<br><br><a href=\"new\">新建会议</a>（Ctrl+N），记录支委会、党小组会、"
                        "党课等；还没有党员时，请先到<a href=\"roster\">党员名册</a>导入名册或新建党员，"
                        "出席情况会自动列出应到人员。<br>查看其他年份请在上方选择年份。")
            page.empty_hint = EmptyHint(page.table, meetings_text,
                                        {"new": self.new_meeting, "roster": lambda: self.show_view("roster")})
        elif key == "roster":  # pages other than 会议记录 are imported when first built (fast start)
            roster: Any = page
            roster.empty_hint = EmptyHint(roster.table, ROSTER_HINT, {
                "import": roster.open_import, "template": roster.save_template,
                "new": lambda: roster.open_member(None), "groups": roster.open_groups})
        elif key == "notes":
            notes: Any = page
            notes.empty_hint = EmptyHint(notes.table, NOTES_HINT, {"new": notes.title_edit.setFocus})

    @property
    def meetings_page(self) -> MeetingsPage:
        page = self._page("meetings")
        assert isinstance(page, MeetingsPage)
        return page

    @property
    def roster_page(self) -> RosterPage:
        page = self._page("roster")
        from ui.roster_page import RosterPage

        assert isinstance(page, RosterPage)
        return page

    @property
    def notes_page(self) -> NotesPage:
        page = self._page("notes")
        from ui.notes_page import NotesPage

        assert isinstance(page, NotesPage)
        return page

    @property
    def stats_page(self) -> StatsPage:
        page = self._page("stats")
        from ui.stats_page import StatsPage

        assert isinstance(page, StatsPage)
        return page

    @property
    def backup_page(self) -> BackupPage:
        page = self._page("backup")
        from ui.backup_page import BackupPage

        assert isinstance(page, BackupPage)
        return page

    def _refresh_if_built(self, key: str) -> None:
        """Records changed: a page already built reads them again (one built later reads them then)."""
        if key == "stats" and "stats" in self._pages:
            self.stats_page.refresh()
        elif key == "notes_members" and "notes" in self._pages:
            self.notes_page.refresh_members()
        elif key == "notes_meetings" and "notes" in self._pages:
            self.notes_page.refresh_meetings()

    def _roster_changed(self) -> None:
        self._refresh_if_built("stats")
        self._refresh_if_built("notes_members")

    # --- start-up ---------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._start_steps and not self.is_started():
            self.finish_start_up()
        return super().event(event)

    def is_started(self) -> bool:
        return self._started

    def finish_start_up(self) -> None:
        """After the first paint: the year's statistics (badge and notices), then the other pages,
        one per event-loop turn so that the window answers in between."""
        if self._start_steps or self.is_started():
            return
        self._start_steps = ["stats", "backup", "notices", "roster", "notes"]
        self._start_timer.start(0)

    def _start_up_step(self) -> None:
        if not self._start_steps:
            return
        if "meetings" in self._pages:
            self.meetings_page.enable_sorting()
        step = self._start_steps.pop(0)
        if step == "notices":
            self.show_startup_notices()
        else:
            self._page(step)
        if self._start_steps:
            self._start_timer.start(0)
        else:
            self._started = True
            self.started.emit()

    def _size_to_current_page(self) -> None:
        """Only the page on show holds the window's minimum size (the others ignore theirs), and
        a page wider or taller than the window scrolls: the window fits a 1366×768 screen at
        150 % scaling."""
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            policy = QSizePolicy.Policy.Preferred if index == self.stack.currentIndex() \
                else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.stack.updateGeometry()

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

    # --- the branch on show (a committee's database holds several) ---------------------------------
    def _database_key(self) -> str:
        from models.branches import database_identity

        with self.db.reading() as s:
            return database_identity(s) or str(self.db.path)

    def _remembered_branch(self) -> int | None:
        """The branch chosen last time in this database, else its first one."""
        from models.branches import branch_exists
        from models.roster import default_branch

        remembered = self.settings.chosen_branch(self._database_key())
        with self.db.reading() as s:
            if remembered is not None and branch_exists(s, remembered):
                return remembered
            branch = default_branch(s)
        return branch.id if branch is not None else None

    def _open_branch(self, branch_id: int) -> None:
        """From a row of the 党委工作台: that branch's meetings."""
        if self.switch_branch(branch_id):
            self.show_view("meetings")

    def _branches_joined(self, keep: int) -> None:
        """After 合并同名党支部: the branch on show may be the one joined into ``keep``."""
        from models.branches import branch_exists

        with self.db.reading() as s:
            gone = not branch_exists(s, self.branch_id)
        if gone:
            self.branch_id = keep
            self.settings.set_chosen_branch(self._database_key(), keep)
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
        self.settings.set_chosen_branch(self._database_key(), branch_id)
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
            self._page(VIEWS[row][0])
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

    # --- meetings -----------------------------------------------------------------------------------
    def _editor(self, meeting_id: int | None, **preset: object) -> MeetingEditor:
        from ui.meeting_editor import MeetingEditor

        editor = MeetingEditor(self.db, self.branch_id, meeting_id, parent=self, **preset)  # type: ignore[arg-type]
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(self._meeting_saved)
        editor.deleted.connect(lambda _id: self._records_changed())
        editor.destroyed.connect(lambda *_a, e=editor: self._forget(e))
        return editor

    def _forget(self, editor: MeetingEditor) -> None:
        for key, value in list(self.editors.items()):
            if value is editor:
                del self.editors[key]

    def open_meeting(self, meeting_id: int) -> MeetingEditor:
        editor = self.editors.get(meeting_id)
        if editor is None:
            editor = self._editor(meeting_id)
            self.editors[meeting_id] = editor
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def new_meeting(self, meeting_type: MeetingType | None = None, day: date | None = None,
                    group_id: int | None = None) -> MeetingEditor:
        editor = self._editor(None, meeting_type=meeting_type, held_on=day, group_id=group_id)
        editor.show()
        return editor

    def _new_meeting_requested(self, type_code: str, day: date, group_id: object) -> None:
        self.new_meeting(MeetingType(type_code), day, group_id if isinstance(group_id, int) else None)

    def _meeting_saved(self, meeting_id: int) -> None:
        from ui.meeting_editor import MeetingEditor

        editor = self.sender()
        if isinstance(editor, MeetingEditor):
            self._forget(editor)
            self.editors[meeting_id] = editor
        self._records_changed()
        self.meetings_page.select_meeting(meeting_id)

    def _records_changed(self) -> None:
        self.meetings_page.refresh_years()
        self.meetings_page.reload()
        self._refresh_if_built("notes_meetings")
        self._refresh_if_built("stats")

    # --- toolbar --------------------------------------------------------------------------------------
    def print_report(self, kind: str) -> None:
        """打印/导出: minutes and sign-in sheet of the selected meeting; the compilation of a month
        and the ledger of a year chosen in a small dialog (not taken from the selection)."""
        from ui.preview import preview_report

        if kind in ("minutes", "signin"):
            meeting_id = self.meetings_page.selected_id()
            if meeting_id is None:
                msgbox.inform(self, "打印/导出", "请先在“会议记录”列表中选择一次会议。")
                self.show_view("meetings")
                return
            preview_report(self, self.db, kind, branch_id=self.branch_id, meeting_id=meeting_id)
            return
        self.choose_period(kind)

    def choose_period(self, kind: str) -> PeriodDialog:
        """Ask which month (本月汇编) or year (年度台账), starting from the last month with held
        meetings; 生成并预览 builds the document."""
        from models.periods import last_held_day
        from ui.period_dialog import PeriodDialog
        from ui.preview import preview_report

        with self.db.reading() as s:
            last = last_held_day(s, self.branch_id)
        dialog = PeriodDialog(self, kind, last or date.today())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if kind == "monthly":
            dialog.accepted.connect(lambda: preview_report(self, self.db, kind, branch_id=self.branch_id,
                                                           month=dialog.month()))
        else:
            dialog.accepted.connect(lambda: preview_report(self, self.db, kind, branch_id=self.branch_id,
                                                           year=dialog.year()))
        self.period_dialog = dialog
        dialog.open()
        return dialog

    def scan_signin(self, photos: list[Path] | None = None) -> None:
        """识别签到表照片: for the selected meeting (ui/scan_dialog.py)."""
        from ui.scan_dialog import scan_photos

        meeting_id = self.meetings_page.selected_id()
        if meeting_id is None:
            msgbox.inform(self, "识别签到表照片", "请先在“会议记录”列表中选择一次会议。")
            self.show_view("meetings")
            return
        scan_photos(self, self.db, self.branch_id, meeting_id, photos)

    def scan_saved(self, meeting_id: int) -> None:
        self._records_changed()
        self.meetings_page.select_meeting(meeting_id)

    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        if SettingsDialog(self.db, self.branch_id, self).exec():
            self._update_title()
            self._refresh_if_built("stats")
            self.show_startup_notices()

    def show_startup_notices(self, today: date | None = None) -> None:
        """What is still due this month (本月尚需召开) and the USB backup reminder, at the top."""
        from models.compliance import due_in_month, due_this_month

        today = today or date.today()
        data = self.stats_page.data  # usually this very year, just computed: don't compute it again
        if data is not None and data.year == today.year and self.stats_page.today() == today:
            due = due_in_month(data, today)
        else:
            with self.db.reading() as s:
                due = due_this_month(s, self.branch_id, today)
        lines = []
        if due:
            lines.append(f"本月尚需召开：{'、'.join(due)}。<a href=\"stats\">查看统计与提醒</a>")
        reminder = self.backup_page.reminder_text()
        if reminder:
            lines.append(f"{reminder} <a href=\"backup\">去备份</a>")
        self.notice.setText("<br>".join(lines))
        self.notice.setVisible(bool(lines))

    def _backup_done(self, text: str) -> None:
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

    def confirm_discard_typing(self) -> bool:
        """Before every page reads the records again (a restore, a merge, the recycle bin, another
        branch): each open meeting editor and the notes page ask 保存 / 不保存 / 取消 where typing
        would be lost, and the editors close. False when the person cancels."""
        from ui.meeting_editor import MeetingEditor

        for editor in dict.fromkeys([*self.editors.values(), *self.findChildren(MeetingEditor)]):
            if editor.isVisible() and not editor.close():
                editor.raise_()
                return False
        if "notes" in self._pages and not self.notes_page.confirm_leave():
            self.show_view("notes")
            return False
        return True

    def reload_all(self) -> None:
        """After a restore or merge: every page reads the records again."""
        for editor in list(self.editors.values()):
            editor.snapshot = editor.collect()  # the records under it changed: drop, don't ask
            editor.close()
        from models.branches import branch_exists

        with self.db.reading() as s:
            still_there = branch_exists(s, self.branch_id)
        if not still_there:
            self.branch_id = self._remembered_branch() or self.branch_id
        view = self.current_view()
        self._build_pages()
        self.show_view(view)
        self._page(view)
        if self.is_started():
            for key in ("stats", "backup"):
                self._page(key)
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
        from ui.meeting_editor import MeetingEditor

        for editor in list(self.editors.values()) + self.findChildren(MeetingEditor):
            if editor.isVisible() and not editor.close():
                event.ignore()
                return
        if "notes" in self._pages and not self.notes_page.confirm_leave():
            self.show_view("notes")
            event.ignore()
            return
        self.save_settings()
        event.accept()

