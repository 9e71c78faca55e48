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


def _existing_branch(db: Database) -> int | None:
    """The database's branch id (the first one when several were merged in); None when it has none.
    Before the window is up the file is read directly."""
    if db.connected:
        from models.roster import default_branch

        with db.reading() as s:
            branch = default_branch(s)
        return branch.id if branch is not None else None
    found = quick_read.branches(db.path)
    return found[0].id if found else None


def ensure_branch(db: Database, parent: QWidget | None = None) -> int | None:
    """The database's branch id; asks for one on first run (None if the user cancels)."""
    existing = _existing_branch(db)
    if existing is not None:
        return existing
    from ui.branch_dialog import BranchDialog

    dialog = BranchDialog(db, parent, offer_server=False)
    dialog.exec()
    return dialog.branch_id


def start_on(db: Database, parent: QWidget | None = None) -> tuple[Database, int] | None:
    """The database and branch the window opens on: ``db``'s branch (asked for on first run), or,
    when the first-run dialog's 连接单位的服务器 was chosen, the server's (``db`` stays open: the
    caller closes it). None when the person cancelled."""
    existing = _existing_branch(db)
    if existing is not None:
        return db, existing
    from ui.branch_dialog import BranchDialog

    dialog = BranchDialog(db, parent, offer_server=not db.is_server)
    dialog.exec()
    if dialog.server_db is not None:
        server = dialog.server_db
        branch_id = ensure_branch(server, parent)
        if branch_id is None:
            server.close()
            return None
        return server, branch_id
    return (db, dialog.branch_id) if dialog.branch_id is not None else None
