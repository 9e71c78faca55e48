"""The main window's toolbar (新建会议, 打印/导出 and its menu, 备份到U盘, 设置, the branch switcher) and
menu bar (文件, 视图 Ctrl+1…, 帮助 F1). The actions are kept on the window (``window.print_action``,
``window.view_actions`` …) and call its methods; the 帮助 dialogs are opened from here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from models.scan import available as scan_available
from ui.branch_switcher import BranchSwitcher
from ui.look import icon
from ui.page_stack import VIEWS

if TYPE_CHECKING:
    from ui.help import ManualDialog
    from ui.main_window import MainWindow

PRINT_KINDS = (("minutes", "会议记录"), ("signin", "签到表"), ("monthly", "本月汇编"), ("annual", "年度台账"))


def build_toolbar(window: MainWindow) -> None:
    """The toolbar, the menus and the window-wide 搜索 shortcut (Ctrl+F)."""
    bar = QToolBar("工具栏")
    bar.setObjectName("main_toolbar")
    bar.setIconSize(QSize(24, 24))
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.setMovable(False)
    window.addToolBar(bar)
    window.new_action = QAction(icon("new_meeting"), "新建会议", window)
    window.new_action.setShortcut(QKeySequence("Ctrl+N"))
    window.new_action.setToolTip("新建会议记录（Ctrl+N）")
    window.new_action.triggered.connect(lambda: window.new_meeting())
    bar.addAction(window.new_action)
    window.print_action = QAction(icon("print"), "打印/导出", window)
    window.print_action.setShortcut(QKeySequence("Ctrl+P"))
    window.print_action.setToolTip("打印所选会议的会议记录（Ctrl+P）")
    window.print_action.triggered.connect(lambda: window.print_report("minutes"))
    window.print_menu = QMenu(window)
    window.print_actions = {}
    for kind, label in PRINT_KINDS:
        action = window.print_menu.addAction(label)
        action.triggered.connect(lambda _c=False, k=kind: window.print_report(k))
        window.print_actions[kind] = action
    window.print_action.setMenu(window.print_menu)
    bar.addAction(window.print_action)
    button = bar.widgetForAction(window.print_action)
    if isinstance(button, QToolButton):
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    window.backup_action = QAction(icon("usb_backup"), "备份到U盘", window)
    window.backup_action.triggered.connect(lambda: window.backup_page.backup_to_removable())
    bar.addAction(window.backup_action)
    window.settings_action = QAction(icon("settings"), "设置", window)
    window.settings_action.setToolTip("党支部信息、打印字体和会议频次规则")
    window.settings_action.triggered.connect(window.open_settings)
    bar.addAction(window.settings_action)
    build_menus(window)
    window.branch_switcher = BranchSwitcher(window)
    window.branch_switcher.chosen.connect(window.switch_branch)
    window.switcher_action = bar.addWidget(window.branch_switcher)
    window.switcher_action.setVisible(False)  # shown by _update_title when there are several
    window.search_action = QAction(icon("search"), "搜索", window)
    window.search_action.setShortcut(QKeySequence("Ctrl+F"))
    window.search_action.triggered.connect(window.focus_search)
    window.addAction(window.search_action)


def build_menus(window: MainWindow) -> None:
    """文件 (回收站, 识别签到表照片, the server entries), 视图 (the pages, Ctrl+1…) and 帮助
    (使用手册 F1, 键盘快捷键, 关于)."""
    bar = window.menuBar()
    file_menu = bar.addMenu("文件(&F)")
    window.recycle_action = file_menu.addAction("回收站…")
    window.recycle_action.triggered.connect(lambda: window.open_recycle_bin())
    window.scan_action = file_menu.addAction("识别签到表照片…")
    window.scan_action.setToolTip("用签名后签到表的照片或扫描件登记所选会议的出席情况")
    window.scan_action.triggered.connect(lambda: window.scan_signin())
    window.scan_action.setVisible(scan_available())  # the optional extra "scan" is installed
    file_menu.addSeparator()
    from ui import server_menu

    server_menu.install(window, file_menu)
    views = bar.addMenu("视图(&V)")
    window.view_actions = []
    for number, (key, label, icon_name) in enumerate(VIEWS, start=1):
        action = views.addAction(icon(icon_name), label)
        action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        action.triggered.connect(lambda _c=False, k=key: window.show_view(k))
        window.view_actions.append(action)
    help_menu = bar.addMenu("帮助(&H)")
    window.manual_action = help_menu.addAction("使用手册")
    window.manual_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
    window.manual_action.triggered.connect(lambda: window.open_manual())
    window.shortcuts_action = help_menu.addAction("键盘快捷键")
    window.shortcuts_action.triggered.connect(lambda: show_help(window, "shortcuts"))
    help_menu.addSeparator()
    window.about_action = help_menu.addAction("关于支部工作记录本")
    window.about_action.triggered.connect(lambda: show_help(window, "about"))
    window.help_menu = help_menu


def show_help(window: MainWindow, what: str) -> None:
    """关于 (``"about"``) or 键盘快捷键."""
    from ui.help import show_about, show_shortcuts

    if what == "about":
        show_about(window, window.db.path)
    else:
        show_shortcuts(window)


def open_manual(window: MainWindow, anchor: str = "") -> ManualDialog:
    """使用手册, at ``anchor`` when given; not modal."""
    from ui.help import ManualDialog

    dialog = ManualDialog(window, anchor)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
