"""Windows that fit the screen they open on: the office PC's 1366×768 with a taskbar, at 100 %,
125 % or 150 % scaling. A window opens at its preferred size or, when that does not fit, at the
largest size that does (the title bar and frame included); it remembers the size the user gave
it; a long form scrolls instead of being cut off."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from ui.settings import Option, Settings

#: Room for the window manager's title bar and frame while a window has no frame yet (before it
#: is first shown), so that the title bar stays on screen too.
TITLE_BAR = 32
FRAME = 8


def work_area(widget: QWidget) -> QRect:
    """The available geometry (screen minus taskbar) of the screen the widget is on, or will be:
    a dialog opens on its parent's screen."""
    anchor = widget.parentWidget().window() if widget.parentWidget() is not None else widget
    screen = anchor.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def _frame_extra(widget: QWidget) -> QSize:
    """Width and height the frame adds (known once shown; estimated before)."""
    if widget.isVisible():
        outer, inner = widget.frameGeometry(), widget.geometry()
        extra = QSize(outer.width() - inner.width(), outer.height() - inner.height())
        if extra.height() > 0:
            return extra
    return QSize(2 * FRAME, TITLE_BAR + FRAME)


def fitting_size(widget: QWidget, preferred: QSize) -> QSize:
    """``preferred`` shrunk to what the work area holds with the frame around it."""
    area, extra = work_area(widget), _frame_extra(widget)
    return QSize(max(1, min(preferred.width(), area.width() - extra.width())),
                 max(1, min(preferred.height(), area.height() - extra.height())))


def keep_within_screen(widget: QWidget) -> None:
    """Shrink the widget to the work area if needed and move it so the whole frame (title bar
    included) is inside."""
    size = fitting_size(widget, widget.size())
    if size != widget.size():
        widget.resize(size)
    area, extra = work_area(widget), _frame_extra(widget)
    width, height = widget.width() + extra.width(), widget.height() + extra.height()
    outer = widget.frameGeometry() if widget.isVisible() else QRect(widget.pos(), QSize(width, height))
    x = min(max(outer.x(), area.left()), area.left() + max(0, area.width() - width))
    y = min(max(outer.y(), area.top()), area.top() + max(0, area.height() - height))
    if (x, y) != (outer.x(), outer.y()):
        widget.move(x, y)


def open_fitted(widget: QWidget, preferred: QSize, settings: Settings | None = None,
                option: Option[QByteArray] | None = None) -> None:
    """Give a window its remembered geometry (``option``) or ``preferred`` size, within the
    screen; with an option, the geometry is remembered again whenever the window is hidden."""
    restored = False
    if option is not None:
        settings = settings or Settings()
        geometry = settings.get(option)
        restored = not geometry.isEmpty() and widget.restoreGeometry(geometry)
        widget.installEventFilter(_GeometryKeeper(widget, settings, option))
    if not restored:
        widget.resize(fitting_size(widget, preferred))
        if widget.parentWidget() is None:  # a top-level window without parent: centre it
            area, extra = work_area(widget), _frame_extra(widget)
            widget.move(area.left() + max(0, (area.width() - widget.width() - extra.width()) // 2),
                        area.top() + max(0, (area.height() - widget.height() - extra.height()) // 2))
    keep_within_screen(widget)


class _GeometryKeeper(QObject):
    """Remembers a window's geometry each time it is hidden (closed, accepted or rejected)."""

    def __init__(self, widget: QWidget, settings: Settings, option: Option[QByteArray]) -> None:
        super().__init__(widget)
        self.settings, self.option = settings, option

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide and isinstance(watched, QWidget) and watched.isWindow():
            self.settings.set(self.option, QByteArray(watched.saveGeometry()))
        return False


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` inside a frameless scroll area: a long form scrolls rather than being cut off
    (or holding its window taller than the screen)."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area
