"""The views of the main window (会议记录, 党员名册, 学习笔记, 统计与提醒, 备份与恢复, 党委工作台): the
navigation list on the left and the stack of pages beside it. Each view holds a placeholder until
its page is first asked for, then the page itself, made by the window's page factory
(ui.window_pages): the window paints before the pages it does not show are built."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from ui.look import NAV_STYLE, icon

#: (key, label, icon) of the navigation entries, in order.
VIEWS = (("meetings", "会议记录", "meetings"), ("roster", "党员名册", "roster"), ("notes", "学习笔记", "notes"),
         ("stats", "统计与提醒", "stats"), ("backup", "备份与恢复", "backup"),
         ("committee", "党委工作台", "stats"))  # the last: shown only when there are several branches


def view_row(key: str) -> int:
    """The row of view ``key`` in the navigation (and its index in the stack)."""
    return [view for view, _label, _icon in VIEWS].index(key)


def navigation_list() -> QListWidget:
    """The list on the left, one entry for each of ``VIEWS`` (the view's key as its user data)."""
    nav = QListWidget()
    nav.setObjectName("navigation")
    nav.setStyleSheet(NAV_STYLE)
    nav.setIconSize(QSize(22, 22))
    for key, label, icon_name in VIEWS:
        item = QListWidgetItem(icon(icon_name), label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        nav.addItem(item)
    return nav


class PageStack(QStackedWidget):
    """One page for each of ``VIEWS``; ``build(key)`` makes a page the first time it is asked for."""

    def __init__(self, build: Callable[[str], QWidget]) -> None:
        super().__init__()
        self._build = build
        self._pages: dict[str, QWidget] = {}
        self.currentChanged.connect(self.size_to_current_page)

    def reset(self) -> None:
        """Placeholders for every view again (the pages built so far are dropped); the view on show
        stays on show."""
        current = max(self.currentIndex(), 0)
        while self.count():
            widget = self.widget(0)
            assert widget is not None
            self.removeWidget(widget)
            widget.deleteLater()
        self._pages = {}
        for _view in VIEWS:
            self.addWidget(QWidget())
        self.setCurrentIndex(current)

    def is_built(self, key: str) -> bool:
        return key in self._pages

    def page(self, key: str) -> QWidget:
        """The page of view ``key``, built on first use in place of its placeholder."""
        page = self._pages.get(key)
        if page is not None:
            return page
        page = self._build(key)
        index = view_row(key)
        placeholder = self.widget(index)
        current = self.currentIndex()
        self.insertWidget(index, page)
        if placeholder is not None:
            self.removeWidget(placeholder)
            placeholder.deleteLater()
        self.setCurrentIndex(current)
        self._pages[key] = page
        self.size_to_current_page()
        return page

    def size_to_current_page(self) -> None:
        """Only the page on show holds the window's minimum size (the others ignore theirs), and
        a page wider or taller than the window scrolls: the window fits a 1366×768 screen at
        150 % scaling."""
        for index in range(self.count()):
            page = self.widget(index)
            policy = QSizePolicy.Policy.Preferred if index == self.currentIndex() \
                else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.updateGeometry()
