"""备份与恢复 on a committee's server: 备份本支部到U盘 writes the branch on show as the same verified
.bbk a PC writes (models.server_copy.backup_branches: exported, packed, checked), to take home or to
another server; 合并支部U盘上的备份 merges a branch's USB backup into the server. The page says plainly
what is not there: the server's own backups and restores are its administrator's, and restore by
swapping the database file, the automatic backups and the file integrity check are for a file on
this PC (the window makes no automatic backup of a server, on exit or daily)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.backup import BackupInfo
from models.db import Database
from models.merge import MergeSummary
from models.server_copy import backup_branches, merge_into_server
from ui import msgbox
from ui.backup_page import BackupPage
from ui.operations import Operation

AVAILABLE = ("在服务器上可以：把本党支部的记录备份到U盘（与本机备份相同的、校验过的 .bbk 文件，可带回本机恢复，"
             "或交给其他服务器合并）；校验备份文件；把党支部U盘上的备份合并进服务器。")
NOT_AVAILABLE = ("在服务器上不可以：从备份恢复（整体替换数据库文件）、本机自动备份和数据库文件完整性检查——"
                 "它们只适用于本机的数据库文件。服务器上全部党支部的备份与恢复由服务器管理员负责；"
                 "要在本机使用这些记录，请先备份本支部到U盘，再在本机“从文件恢复”。")


class ServerBackupPage(BackupPage):
    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        self._last_usb: str = ""
        super().__init__(db, branch_id, parent)
        self.backup_box.setTitle("备份本支部到U盘或其他文件夹")
        self.backup_button.setText("备份本支部到U盘")

    def _list_box(self) -> QGroupBox:
        box = QGroupBox("数据库服务器")
        layout = QVBoxLayout(box)
        self.where = QLabel(f"当前连接的是党委的数据库服务器：{self.db.label}")
        self.where.setWordWrap(True)
        self.available = QLabel(AVAILABLE)
        self.not_available = QLabel(NOT_AVAILABLE)
        for label in (self.available, self.not_available):
            label.setWordWrap(True)
        layout.addWidget(self.where)
        layout.addWidget(self.available)
        layout.addWidget(self.not_available)
        buttons = QHBoxLayout()
        for text, slot in (("校验备份文件…", lambda: self._with_file("选择要校验的备份文件", self.verify)),
                           ("合并支部U盘上的备份…", lambda: self._with_file("选择党支部的备份文件", self.merge))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return box

    def refresh(self) -> None:
        self.conflicts.refresh()
        self._refresh_targets()
        self.status.setText(self.last_backup_text())

    def reminder_text(self) -> str | None:
        return None  # the server is backed up by its administrator, not from this PC

    def last_backup_text(self) -> str:
        return self._last_usb or "服务器数据库（由服务器管理员负责备份）"

    def start_backup(self) -> None:
        request = self.backup_request()
        if request is None:
            return
        folder, passphrase = request
        db, branch_id = self.db, self.branch_id
        self.backup_button.setEnabled(False)
        Operation(self, lambda: backup_branches(db, folder, [branch_id], passphrase=passphrase),
                  "正在从服务器导出本支部的记录并校验，请稍候…").run(self._server_backup_done, self._failed)

    def _server_backup_done(self, info: BackupInfo) -> None:
        self._last_usb = f"本支部最近备份到：{info.path.parent}"
        self._backup_succeeded(info)

    def merge(self, path: Path) -> None:
        """合并支部U盘上的备份: checked and merged on the server by the one merge (models.server_copy)."""
        ok, passphrase = self._passphrase_for(path)
        if not ok:
            return
        if msgbox.ask(self, "合并备份", f"把备份“{path.name}”中的记录合并到服务器吗？（先校验备份；相同的记录不会重复添加）") \
                != QMessageBox.StandardButton.Yes or not self.may_replace():
            self.outcome.setText("已取消合并，服务器上的记录未改动。")
            return
        db = self.db
        Operation(self, lambda: merge_into_server(db, path, passphrase), "正在校验并合并，请稍候…").run(
            self._merged_summary, self._failed)

    def _merged_summary(self, summary: MergeSummary) -> None:
        self._merged(summary)
