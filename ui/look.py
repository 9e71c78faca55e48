"""How the application looks and speaks: icons, the Chinese UI font, Qt's own zh_CN
translations (确定/取消/是/否) and the few words they lack, the style sheet, and the global
exception hook."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import cache
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from models import paths
from models.privacy import scrub, write_log

#: Preferred CJK UI fonts, in order (Windows, then common Linux installs such as UOS/Kylin).
UI_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
            "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback")

#: Styles are set on the few widgets that need them, not on the whole application: an
#: application-wide style sheet makes Qt re-polish every widget and slows the window's start.
NAV_STYLE = """
QListWidget { border: none; background: #f4f1ec; outline: 0; }
QListWidget::item { padding: 10px 12px; }
QListWidget::item:selected { background: #b71c1c; color: white; }
"""
BANNER_STYLE = "background: #fff3e0; color: #8d4a00; padding: 6px; border: 1px solid #ffcc80;"
ERROR_STYLE = "color: #c62828;"
#: Read-only text fields (a finalized meeting) are grey, so nobody tries to type into them.
READ_ONLY_STYLE = ('QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"], QTextEdit[readOnly="true"]'
                   " { background: #ececec; color: #333333; border: 1px solid #d0d0d0; }")
READ_ONLY_BACKGROUND = "#ececec"

#: resources/translations/<name>.qm (compiled from the .ts beside it with pyside6-lrelease).
QT_EXTRA_TRANSLATIONS = "qt_extra_zh_CN"

_translators: list[QTranslator] = []


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons (SVG)."""
    return QIcon(str(paths.resource("icons", f"{name}.svg")))


def ui_font_family() -> str:
    families = set(QFontDatabase.families())
    for name in UI_FONTS:
        if name in families:
            return name
    return QApplication.font().family()


def apply_font_size(app: QApplication, size_key: str | None = None) -> None:
    """The Chinese UI font at the chosen 界面字号 (标准/大/特大, see ui.settings.FONT_SIZES) for
    the whole application; ``None`` reads the remembered choice."""
    from ui.settings import FONT_SIZE, FONT_SIZES, Settings

    key = size_key if size_key is not None else Settings().get(FONT_SIZE)
    font = QFont(ui_font_family())
    font.setPointSize(FONT_SIZES.get(key, FONT_SIZES["standard"])[1])
    app.setFont(font)


def title_font(widget: QWidget, larger_by: int = 3) -> QFont:
    """A bold font a few points above the application's, so headings follow 大字号 too."""
    font = QFont(widget.font())
    font.setPointSize(QApplication.font().pointSize() + larger_by)
    font.setBold(True)
    return font


def apply_look(app: QApplication) -> None:
    """Chinese font (at the chosen 界面字号), Qt's zh_CN translations and the style sheet."""
    apply_font_size(app)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
            break
    # What Qt's catalogue lacks (the file dialog Qt draws on Linux: “Look in:”, “Files of type:”);
    # installed last, so it is asked first, and it answers only for those few words.
    extra = QTranslator(app)
    if extra.load(QT_EXTRA_TRANSLATIONS, str(paths.resource("translations"))):
        app.installTranslator(extra)
        _translators.append(extra)


def show_read_only_fields(root: QWidget) -> None:
    """Give ``root``'s read-only text fields their grey look; call again after read-only changes
    (a property selector is only re-read when the widget is polished again)."""
    if root.styleSheet() != READ_ONLY_STYLE:
        root.setStyleSheet(READ_ONLY_STYLE)
    for field in root.findChildren(QLineEdit) + root.findChildren(QPlainTextEdit) + root.findChildren(QTextEdit):
        field.style().unpolish(field)
        field.style().polish(field)


def error_label() -> QLabel:
    """A red label shown under a field when its value is refused."""
    label = QLabel()
    label.setProperty("fieldError", True)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _log_report(trace: str) -> None:
    try:
        write_log(trace, suffix=".txt")  # scrubbed, owner-only (models.privacy)
    except OSError:
        pass


def install_excepthook(parent_getter: Callable[[], QWidget | None] | None = None) -> None:
    """Any uncaught exception shows a Chinese dialog with a copyable report; the window lives on."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        trace = scrub("".join(traceback.format_exception(kind, exc, tb)))
        _log_report(trace)
        from ui.msgbox import show_error

        parent = parent_getter() if parent_getter else QApplication.activeWindow()
        show_error(parent, exc, trace)

    sys.excepthook = hook
