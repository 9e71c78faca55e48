"""What to do next, shown inside an empty list: a new branch's pages are not blank but say
“导入名册 / 新建党员 / 建立党小组 / 新建会议”, with those words as links that do it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

HINT_STYLE = "QLabel { color: #555555; background: transparent; } a { color: #b71c1c; }"


class EmptyHint(QLabel):
    """A centred hint over ``view``'s viewport while its model has no rows. ``text`` is a string
    or a function (called each time the list empties, e.g. to mention an active filter); a link
    ``<a href="key">`` runs ``actions[key]``."""

    def __init__(self, view: QAbstractItemView, text: str | Callable[[], str],
                 actions: dict[str, Callable[[], object]]) -> None:
        super().__init__(view.viewport())
        self.view, self.text_source, self.actions = view, text, actions
        self.setObjectName("emptyHint")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(HINT_STYLE)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.linkActivated.connect(self.activate)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.refresh)
        view.viewport().installEventFilter(self)
        self.refresh()

    def activate(self, key: str) -> None:
        action = self.actions.get(key)
        if action is not None:
            action()

    def is_shown(self) -> bool:
        """The hint is up (the list is empty), whether or not the window is on screen."""
        return not self.isHidden()

    def refresh(self, *_args: object) -> None:
        empty = self.view.model().rowCount() == 0
        if empty:
            self.setText(self.text_source() if callable(self.text_source) else self.text_source)
            self._place()
        self.setVisible(empty)

    def _place(self) -> None:
        area = self.view.viewport().rect().adjusted(24, 16, -24, -16)
        self.setGeometry(area)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False
