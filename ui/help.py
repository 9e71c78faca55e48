"""帮助: the Chinese user manual (resources/manual, shown offline in a text browser), the keyboard
shortcuts, and 关于 (version and the database file in use)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QSize, QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.paths import resource
from ui import msgbox
from ui.screen_fit import open_fitted

FALLBACK_VERSION = "0.1.0"
#: (keys, what they do): listed in 帮助 → 键盘快捷键 and in the manual.
SHORTCUTS = (
    ("Ctrl+1 … Ctrl+5", "转到 会议记录 / 党员名册 / 学习笔记 / 统计与提醒 / 备份与恢复"),
    ("Ctrl+N", "新建会议"),
    ("Ctrl+F", "搜索会议记录"),
    ("Ctrl+P", "打印所选会议的会议记录"),
    ("Ctrl+S", "会议编辑窗口中保存草稿"),
    ("Esc", "关闭当前窗口（有未保存内容时会先询问）"),
    ("F1", "打开使用手册"),
)


def app_version() -> str:
    try:
        return metadata.version("branchbook")
    except metadata.PackageNotFoundError:  # a bundle without package metadata
        return FALLBACK_VERSION


def manual_path() -> Path:
    return resource("manual", "index.html")


class ManualDialog(QDialog):
    """使用手册, read from the installed files: works without any network."""

    def __init__(self, parent: QWidget | None = None, anchor: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("使用手册 — 支部工作记录本")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        url = QUrl.fromLocalFile(str(manual_path()))
        if anchor:
            url.setFragment(anchor)
        self.browser.setSource(url)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        open_fitted(self, QSize(820, 760))


def shortcuts_text() -> str:
    return "\n".join(f"{keys}：{what}" for keys, what in SHORTCUTS)


def about_text(db_path: object) -> str:
    return (f"支部工作记录本　版本 {app_version()}\n\n"
            "党支部“三会一课”记录、出席、学习笔记、合规提醒、打印与备份，全部在本机离线运行。\n\n"
            f"当前数据库文件：\n{db_path}")


def show_about(parent: QWidget | None, db_path: object) -> None:
    msgbox.inform(parent, "关于支部工作记录本", about_text(db_path))


def show_shortcuts(parent: QWidget | None) -> None:
    msgbox.inform(parent, "键盘快捷键", shortcuts_text())
