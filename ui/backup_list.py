"""The list of local backups on the 备份与恢复 page, and the removable volumes to back up to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStorageInfo,
    Qt,
)

from models.autobackup import BackupEntry, format_when
from models.lock import drive_kind

KIND_LABELS = {"auto": "自动备份", "manual": "手动备份", "safety": "恢复前安全副本", "encrypted": "加密备份"}
Index = QModelIndex | QPersistentModelIndex


class BackupListModel(QAbstractTableModel):
    """The local backups: 备份时间, 大小, 类型, 状态."""

    HEADERS = ("备份时间", "大小", "类型", "状态")

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[BackupEntry] = []

    def load(self, entries: list[BackupEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def set_status(self, entry: BackupEntry, status: str) -> None:
        if entry in self.entries:
            entry.status = status
            row = self.entries.index(entry)
            self.dataChanged.emit(self.index(row, 3), self.index(row, 3))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return entry
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (format_when(entry.created), f"{entry.size / 1048576:.1f} MB",
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
