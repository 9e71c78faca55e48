"""Starting the GUI: the QApplication, Chinese font and translations, the exception hook,
the database (through ui.startup_checks), the first-run branch dialog and the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ui import import_speedup

import_speedup.install()  # before the imports below: PySide6 checks each of them

from models.paths import default_db_path, resource
from ui import window_probe
from ui.look import apply_look, install_excepthook
from ui.refcount_guard import pin_singletons


def create_application(argv: list[str] | None = None) -> QApplication:
    pin_singletons()  # PySide6 on Python 3.11: see ui.refcount_guard
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("BranchBook")
    app.setApplicationDisplayName("支部工作记录本")
    app.setOrganizationName("BranchBook")
    app.setWindowIcon(QIcon(str(resource("icons", "meetings.svg"))))
    apply_look(app)
    window_probe.install_if_asked(app)
    return app


def run_gui(db_path: Path | str | None) -> int:
    app = create_application()
    from ui import startup_checks

    if isinstance(db_path, str):  # a committee's server (postgresql+psycopg://…)
        return _run_on_server(app, db_path)
    db = startup_checks.open_for_gui(None, db_path or default_db_path())
    if db is None:
        return 1
    from ui.first_run import ensure_branch
    from ui.main_window import MainWindow

    branch_id: int | None = None
    try:
        try:
            branch_id = ensure_branch(db)
            if branch_id is None:
                return 0
            window = MainWindow(db, branch_id)
        except Exception:
            # Reading failed before the routine check ran: most likely a damaged file.
            if not startup_checks.recheck_after_failure(None, db):
                raise
            branch_id = ensure_branch(db)
            if branch_id is None:
                return 0
            window = MainWindow(db, branch_id)
        startup_checks.start_daily_backups(window, db)
        window.started.connect(lambda: startup_checks.start_routine_check(
            window, db, window.reload_all, may_replace=window.confirm_discard_typing))
        install_excepthook(lambda: window)
        window.show()
        code = app.exec()
    finally:  # first run cancelled: an empty database is not worth an automatic backup
        startup_checks.on_exit(db, backup=branch_id is not None)
        db.close()
    return code


def _run_on_server(app: QApplication, address: str) -> int:
    """The window on a server: no lock file, integrity check or automatic backup of a file (the
    server's administrator looks after those); the password, when the server asks for one and no
    password file has it, is typed in a dialog and goes only to the driver."""
    from ui.first_run import ensure_branch
    from ui.main_window import MainWindow
    from ui.server_login import open_server_for_gui

    db = open_server_for_gui(None, address)
    if db is None:
        return 1
    try:
        branch_id = ensure_branch(db)
        if branch_id is None:
            return 0
        window = MainWindow(db, branch_id)
        install_excepthook(lambda: window)
        window.show()
        return app.exec()
    finally:
        db.close()
