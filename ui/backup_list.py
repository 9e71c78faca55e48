"""The list of local backups on the 备份与恢复 page, and the removable volumes to back up to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStorageInfo, Qt

from models.autobackup import BackupEntry
from models.lock import drive_kind
from models.validation import table_when
from ui.table_base import Index, RowsModel

KIND_LABELS = {"auto": "自动备份", "manual": "手动备份", "safety": "恢复前安全副本", "encrypted": "加密备份"}


class BackupListModel(RowsModel):
    """The local backups: 备份时间, 大小, 类型, 状态."""

    HEADERS = ("备份时间", "大小", "类型", "状态")

    @property
    def entries(self) -> list[BackupEntry]:
        return self.rows

    def load(self, entries: list[BackupEntry]) -> None:
        self.set_rows(entries)

    def set_status(self, entry: BackupEntry, status: str) -> None:
        if entry in self.entries:
            entry.status = status
            row = self.entries.index(entry)
            self.dataChanged.emit(self.index(row, 3), self.index(row, 3))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return entry
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (table_when(entry.created), f"{entry.size / 1048576:.1f} MB",
                KIND_LABELS.get(entry.kind, "未知"), entry.status)[index.column()]


def removable_volumes() -> list[tuple[str, Path]]:
    """(label, root) of writable mounted volumes on removable drives."""
    found = []
    for volume in QStorageInfo.mountedVolumes():
        if not (volume.isValid() and volume.isReady()) or volume.isReadOnly():
            continue
        root = Path(volume.rootPath())
        if drive_kind(root) == "removable":
            found.append((f"U盘 {volume.displayName()}（{root}）", root))
    return found
