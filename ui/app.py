"""Starting the GUI: the QApplication, Chinese translations, the database, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from models.db import Database, open_database
from models.errors import BranchBookError
from models.paths import default_db_path


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("BranchBook")
    app.setApplicationDisplayName("支部工作记录本")
    app.setOrganizationName("BranchBook")
    return app


def run_gui(db_path: Path | None) -> int:
    app = create_application()
    try:
        db: Database = open_database(db_path or default_db_path())
    except BranchBookError as exc:
        QMessageBox.critical(None, "无法打开数据库", exc.message)
        return 1
    from ui.main_window import MainWindow

    window = MainWindow(db)
    window.show()
    code = app.exec()
    db.close()
    return code
