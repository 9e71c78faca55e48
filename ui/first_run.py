"""First run: no branch in the database yet — ask for the branch's name, 上级党组织 and the start
of records (建账日期, default the first day of this month: nothing is due before it). The
dialog itself (ui.branch_dialog) is imported only when it is needed: on every other start the
window paints without it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models import quick_read
from models.db import Database

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

SINCE_HINT = "从这一天起在本程序中记录，此前的月份不计应开会议、不提示缺开和缺席。"


def __getattr__(name: str) -> Any:
    if name == "BranchDialog":  # ui.first_run.BranchDialog, as before
        from ui.branch_dialog import BranchDialog

        return BranchDialog
    raise AttributeError(name)


def ensure_branch(db: Database, parent: QWidget | None = None) -> int | None:
    """The database's branch id (the first one when several were merged in); asks for one on
    first run (None if the user cancels). Before the window is up the file is read directly."""
    if db.connected:
        from models.roster import default_branch

        with db.reading() as s:
            branch = default_branch(s)
        if branch is not None:
            return branch.id
    else:
        found = quick_read.branches(db.path)
        if found:
            return found[0].id
    from ui.branch_dialog import BranchDialog

    dialog = BranchDialog(db, parent)
    dialog.exec()
    return dialog.branch_id
