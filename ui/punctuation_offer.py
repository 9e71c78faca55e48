"""A quiet offer under the minutes: half-width , ; : ! ? between Chinese characters (pasted
from web pages and WeChat articles) turned full-width with one click (undo: Ctrl+Z)."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QWidget

from models.typography import count_half_width_punctuation, full_width_punctuation


class PunctuationOffer(QWidget):
    """Shown only while one of ``edits`` has half-width marks between Chinese characters."""

    def __init__(self, edits: list[QPlainTextEdit], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edits = edits
        self.label = QLabel()
        self.button = QPushButton("改为全角标点")
        self.button.setToolTip("把夹在汉字之间的半角标点 , ; : ! ? 改为全角 ，；：！？（可用 Ctrl+Z 撤销）")
        self.button.clicked.connect(self.convert)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        for edit in edits:
            edit.textChanged.connect(self.refresh)
        self.refresh()

    def count(self) -> int:
        return sum(count_half_width_punctuation(e.toPlainText()) for e in self.edits if not e.isReadOnly())

    def refresh(self) -> None:
        n = self.count()
        self.label.setText(f"有 {n} 处半角标点（, ; : ! ?）夹在汉字之间，打印稿应使用全角标点。")
        self.setVisible(n > 0)

    def convert(self) -> int:
        """Convert every edit (one undo step each); returns how many marks changed."""
        changed = 0
        for edit in self.edits:
            text = edit.toPlainText()
            n = count_half_width_punctuation(text)
            if not n or edit.isReadOnly():
                continue
            cursor = edit.textCursor()
            cursor.beginEditBlock()
            # the whole text, as one undoable step (Ctrl+Z brings the half-width marks back)
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(full_width_punctuation(text))
            cursor.endEditBlock()
            changed += n
        self.refresh()
        return changed

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.count():
            self.hide()
