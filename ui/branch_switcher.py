"""The window's branch switcher (当前党支部): shown when the database holds several branches
(a committee's database merged from its branches' backups). The choice is remembered per
database, keyed by its uuid (ui.settings): ``remembered_branch`` and ``remember_branch``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from models import quick_read
from models.db import Database
from models.quick_read import BranchName

if TYPE_CHECKING:
    from ui.settings import Settings


class BranchSwitcher(QWidget):
    """「当前党支部」 combo; ``chosen`` carries the branch id the user picked."""

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 0, 4, 0)
        self.label = QLabel("当前党支部：")
        self.combo = QComboBox()
        self.combo.setObjectName("branch_switcher")
        self.combo.setMinimumContentsLength(16)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setToolTip("数据库中有多个党支部：选择要查看和记录的党支部")
        row.addWidget(self.label)
        row.addWidget(self.combo)
        self.combo.activated.connect(self._activated)

    def reload(self, db: Database, current: int) -> dict[int, str]:
        """List the database's branches with ``current`` selected; returns their names by id.
        Before the window's first paint the file is read directly (models.quick_read)."""
        if db.connected:
            from models.roster import list_branches

            with db.reading() as s:
                branches: list[BranchName] = [BranchName(b.id, b.name) for b in list_branches(s)]
        else:
            branches = quick_read.branches(db.path)
        names = [b.name for b in branches]
        self.combo.blockSignals(True)
        self.combo.clear()
        for b in branches:  # same-name branches (two PCs typed one in) are told apart by number
            self.combo.addItem(b.name if names.count(b.name) == 1 else f"{b.name}（编号 {b.id}）", b.id)
        index = self.combo.findData(current)
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        return {b.id: b.name for b in branches}

    def current_branch(self) -> int | None:
        data = self.combo.currentData()
        return int(data) if data is not None else None

    def choose(self, branch_id: int) -> None:
        """Select ``branch_id`` as a person would (the window switches)."""
        index = self.combo.findData(branch_id)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._activated(index)

    def _activated(self, index: int) -> None:
        data = self.combo.itemData(index)
        if data is not None:
            self.chosen.emit(int(data))


def _database_key(db: Database) -> str:
    from models.branches import database_identity

    with db.reading() as s:
        return database_identity(s) or str(db.path)


def remembered_branch(db: Database, settings: Settings) -> int | None:
    """The branch chosen last time in ``db``, else its first one."""
    from models.branches import branch_exists
    from models.roster import default_branch

    remembered = settings.chosen_branch(_database_key(db))
    with db.reading() as s:
        if remembered is not None and branch_exists(s, remembered):
            return remembered
        branch = default_branch(s)
    return branch.id if branch is not None else None


def remember_branch(db: Database, settings: Settings, branch_id: int) -> None:
    """``branch_id`` is the one on show in ``db``: the next window on it starts there."""
    settings.set_chosen_branch(_database_key(db), branch_id)
