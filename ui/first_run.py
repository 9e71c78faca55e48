"""First run: no branch in the database yet — ask for the branch's name and 上级党组织."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.errors import BranchBookError
from models.roster import create_branch, default_branch
from ui.look import error_label
from ui.widgets import with_error


class BranchDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.branch_id: int | None = None
        self.setWindowTitle("欢迎使用支部工作记录本")
        intro = QLabel("首次使用，请填写本党支部的名称和上级党组织。以后可在“党员名册”中维护党员和党小组。")
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如：中共某某局机关第一党支部")
        self.superior_edit = QLineEdit()
        self.superior_edit.setPlaceholderText("如：中共某某局机关委员会")
        self.name_error = error_label()
        form = QFormLayout()
        form.addRow("党支部名称", with_error(self.name_edit, self.name_error))
        form.addRow("上级党组织", self.superior_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(480, 200)

    def accept(self) -> None:
        try:
            with self.db.transaction() as s:
                self.branch_id = create_branch(s, self.name_edit.text(), self.superior_edit.text())
        except BranchBookError as exc:
            self.name_error.setText(exc.message)
            self.name_error.show()
            return
        super().accept()


def ensure_branch(db: Database, parent: QWidget | None = None) -> int | None:
    """The database's branch id; asks for one on first run (None if the user cancels)."""
    with db.reading() as s:
        branch = default_branch(s)
    if branch is not None:
        return branch.id
    dialog = BranchDialog(db, parent)
    dialog.exec()
    return dialog.branch_id
