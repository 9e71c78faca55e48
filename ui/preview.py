"""Print preview of a document (placeholder until the printed-documents issue lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from models.db import Database


def preview_report(parent: QWidget, db: Database, kind: str, *, branch_id: int,
                   meeting_id: int | None = None, month: str | None = None,
                   year: int | None = None) -> None:
    """Build the document ``kind`` (minutes | signin | monthly | annual) off the GUI thread and
    show it in a preview dialog with 打印 and 另存为PDF."""
    from ui.msgbox import inform

    inform(parent, "打印/导出", "文档打印功能尚未完成。")
