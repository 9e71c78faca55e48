"""The main window (minimal; the GUI issue builds it out)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from models.db import Database
from models.roster import default_branch


class MainWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        with db.reading() as session:
            branch = default_branch(session)
        name = branch.name if branch else "未设置党支部"
        self.setWindowTitle(f"支部工作记录本 — {name}")
        self.setCentralWidget(QLabel(f"数据库：{db.path}"))
        self.resize(1200, 800)
