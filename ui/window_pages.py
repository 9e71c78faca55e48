"""The main window's page factory: each page built on first use and wired to the window and the
other pages (a saved roster refreshes the statistics and the notes' member list, 统计与提醒 sets
the navigation's badge, a restore reloads every page …), with the hint an empty list shows: what
to do next, with links that do it (a new branch's first steps).

The pages other than 会议记录 are imported here only when first built: the window paints sooner."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from models.enums import MeetingType
from ui.empty_hint import EmptyHint
from ui.meetings_page import MeetingsPage

if TYPE_CHECKING:
    from ui.main_window import MainWindow

ROSTER_HINT = ("还没有党员。<br><br><a href=\"import\">导入名册</a>（Excel 党员名册；没有现成的表格可先"
               "<a href=\"template\">下载名册模板</a>填写）<br>或<a href=\"new\">新建党员</a>逐个录入，"
               "再<a href=\"groups\">建立党小组</a>并指定组长。")
NOTES_HINT = ("还没有学习笔记。<br><br>在右侧填写学习日期、标题、学习材料和心得体会，点“保存”即可"
              "（<a href=\"new\">开始填写</a>）。<br>关联会议和学时计入党员每年 32 学时。")


def build_page(window: MainWindow, key: str) -> QWidget:
    """The page of view ``key`` for the branch on show in ``window``, wired and with its empty hint."""
    page: QWidget
    if key == "meetings":
        meetings = MeetingsPage(window.db, window.branch_id, window)
        meetings.open_requested.connect(window.open_meeting)
        page = meetings
    elif key == "roster":
        from ui.roster_page import RosterPage

        roster = RosterPage(window.db, window.branch_id, window)
        roster.changed.connect(window.roster_changed)
        page = roster
    elif key == "notes":
        from ui.notes_page import NotesPage

        notes = NotesPage(window.db, window.branch_id, window)
        notes.changed.connect(lambda: window.refresh_if_built("stats"))
        page = notes
    elif key == "stats":
        from ui.stats_page import StatsPage

        stats = StatsPage(window.db, window.branch_id, window)

        def new_meeting(type_code: str, day: date, group_id: object) -> None:  # its 新建… button
            window.new_meeting(MeetingType(type_code), day, group_id if isinstance(group_id, int) else None)
        stats.new_meeting_requested.connect(new_meeting)
        stats.alerts_changed.connect(window.set_alert_badge)
        # The page computed this year's figures when it was built; only the badge is still to show.
        window.set_alert_badge(stats.alert_count())
        page = stats
    elif key == "committee":
        from ui.committee_page import CommitteePage

        committee = CommitteePage(window.db, window)
        committee.branch_chosen.connect(window.open_branch)
        committee.branches_joined.connect(window.branches_joined)
        page = committee
    else:
        from ui.backup_page import BackupPage

        if window.db.is_server:  # a branch's backup to a USB stick; no file-level restore
            from ui.server_backup_page import ServerBackupPage as BackupPage  # type: ignore[assignment]
        backup = BackupPage(window.db, window.branch_id, window)
        backup.backup_done.connect(window.backup_done)
        backup.database_replaced.connect(window.reload_all)
        backup.may_replace = window.confirm_discard_typing
        window.backup_label.setText(backup.last_backup_text())
        page = backup
    _add_empty_hint(window, key, page)
    return page


def _add_empty_hint(window: MainWindow, key: str, page: QWidget) -> None:
    """An empty list says what to do next, with links that do it (a new branch's first steps)."""
    if isinstance(page, MeetingsPage):
        def meetings_text() -> str:
            if page.search_box.text().strip() or page.type_filter.currentData() is not None:
                return "没有符合筛选条件的会议记录。可换一个类型或清除搜索内容。"
            return ("这里还没有会议记录。<br><br><a href=\"new\">新建会议</a>（Ctrl+N），记录支委会、党小组会、"
                    "党课等；还没有党员时，请先到<a href=\"roster\">党员名册</a>导入名册或新建党员，"
                    "出席情况会自动列出应到人员。<br>查看其他年份请在上方选择年份。")
        page.empty_hint = EmptyHint(page.table, meetings_text,
                                    {"new": window.new_meeting, "roster": lambda: window.show_view("roster")})
    elif key == "roster":  # pages other than 会议记录 are imported when first built (fast start)
        roster: Any = page
        roster.empty_hint = EmptyHint(roster.table, ROSTER_HINT, {
            "import": roster.open_import, "template": roster.save_template,
            "new": lambda: roster.open_member(None), "groups": roster.open_groups})
    elif key == "notes":
        notes: Any = page
        notes.empty_hint = EmptyHint(notes.table, NOTES_HINT, {"new": notes.title_edit.setFocus})
