"""附件 in the meeting editor: add a photo of the signed sign-in sheet (downscaled by the
service), save a copy out, delete. Changes are written at once (they need a saved meeting)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.attachments import (
    add_attachment,
    delete_attachment,
    get_attachment,
    list_attachments,
)
from models.db import Database
from models.errors import BranchBookError
from ui import msgbox
from ui.look import error_label, icon
from ui.settings import LAST_ATTACHMENT_DIR, Settings

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


class AttachmentsPanel(QWidget):
    def __init__(self, db: Database, ensure_saved: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.ensure_saved = ensure_saved  # saves a new meeting first; returns its id or None
        self.meeting_id: int | None = None
        self.list = QListWidget()
        self.add_button = QPushButton(icon("attachment"), "添加照片或文件…")
        self.save_button = QPushButton("另存为…")
        self.delete_button = QPushButton(icon("delete"), "删除附件")
        self.error = error_label()
        hint = QLabel("可添加签到表照片、课件等。图片会自动缩小到 2000 像素以内，单个文件不超过 20 MB。")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._choose_and_add)
        self.save_button.clicked.connect(self._save_copy)
        self.delete_button.clicked.connect(self._delete)
        self.list.itemDoubleClicked.connect(lambda _item: self.view_current())

    def load(self, meeting_id: int | None) -> None:
        self.meeting_id = meeting_id
        self.list.clear()
        if meeting_id is None:
            return
        with self.db.reading() as s:
            rows = list_attachments(s, meeting_id)
        for row in rows:
            item = QListWidgetItem(icon("attachment"), f"{row.filename}（{_size_text(row.size)}）")
            item.setData(ID_ROLE, row.id)
            self.list.addItem(item)

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setEnabled(not read_only)
        self.delete_button.setEnabled(not read_only)

    def add_file(self, path: Path) -> bool:
        """Add one file (the dialog's choice, or a test's). Shows refusals under the list."""
        self.error.hide()
        meeting_id = self.meeting_id or self.ensure_saved()
        if meeting_id is None:
            return False
        try:
            data = path.read_bytes()
            with self.db.transaction() as s:
                add_attachment(s, meeting_id, path.name, data)
        except OSError:
            self.error.setText(f"无法读取文件“{path.name}”，请检查文件是否存在。")
            self.error.show()
            return False
        except BranchBookError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.load(meeting_id)
        return True

    def _choose_and_add(self) -> None:
        settings = Settings()
        name, _f = QFileDialog.getOpenFileName(
            self, "添加附件", settings.get(LAST_ATTACHMENT_DIR),
            "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp);;所有文件 (*)")
        if name:
            settings.set(LAST_ATTACHMENT_DIR, str(Path(name).parent))
            self.add_file(Path(name))

    def _current_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(ID_ROLE)) if item else None

    def view_current(self) -> QDialog | None:
        """Show the selected image (e.g. the signed sign-in sheet) in a window."""
        attachment_id = self._current_id()
        if attachment_id is None:
            return None
        with self.db.reading() as s:
            att = get_attachment(s, attachment_id)
        pixmap = QPixmap()
        if not att.mime_type.startswith("image/") or not pixmap.loadFromData(att.data):
            self.error.setText(f"“{att.filename}”不是图片，请用“另存为…”保存后用其他程序打开。")
            self.error.show()
            return None
        dialog = QDialog(self)
        dialog.setWindowTitle(att.filename)
        label = QLabel()
        label.setPixmap(pixmap.scaled(900, 700, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation))
        QVBoxLayout(dialog).addWidget(label)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _save_copy(self) -> None:
        self.save_copy()

    def save_copy(self, target: Path | None = None) -> Path | None:
        """另存为: write the selected attachment to a file (asks where unless ``target`` is given)."""
        self.error.hide()
        attachment_id = self._current_id()
        if attachment_id is None:
            return None
        with self.db.reading() as s:
            att = get_attachment(s, attachment_id)
        if target is None:
            name, _f = QFileDialog.getSaveFileName(self, "另存附件", att.filename)
            if not name:
                return None
            target = Path(name)
        try:
            target.write_bytes(att.data)
        except OSError:
            self.error.setText(f"无法保存到“{target}”：文件可能正被打开，或该位置没有写入权限。请换一个位置再试。")
            self.error.show()
            return None
        return target

    def _delete(self) -> None:
        attachment_id = self._current_id()
        if attachment_id is None:
            return
        if msgbox.ask(self, "删除附件", "确定删除所选附件吗？删除后无法恢复。") != msgbox.QMessageBox.StandardButton.Yes:
            return
        try:
            with self.db.transaction() as s:
                delete_attachment(s, attachment_id)
        except BranchBookError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self.load(self.meeting_id)
