"""Starting the GUI: the QApplication, Chinese font and translations, the exception hook,
the database (through ui.startup_checks), the first-run branch dialog and the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ui import import_speedup

import_speedup.install()  # before the imports below: PySide6 checks each of them

from models.db import Database
from models.paths import default_db_path, resource
from ui.look import apply_look, install_excepthook
from ui.refcount_guard import pin_singletons
from ui.settings import LAST_SERVER


def create_application(argv: list[str] | None = None) -> QApplication:
    pin_singletons()  # PySide6 on Python 3.11: see ui.refcount_guard
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("BranchBook")
    app.setApplicationDisplayName("支部工作记录本")
    app.setOrganizationName("BranchBook")
    app.setWindowIcon(QIcon(str(resource("icons", "meetings.svg"))))
    apply_look(app)
    if os.environ.get("BRANCHBOOK_TEST_WINDOW_PROBE"):  # tests only: not imported otherwise (fast start)
        from ui import window_probe

        window_probe.install_if_asked(app)
    return app


def run_gui(db_path: Path | str | None) -> int:
    app = create_application()
    from ui.window_session import WindowSession

    session = WindowSession()
    install_excepthook(lambda: session.window)
    try:
        if isinstance(db_path, str):  # a committee's server (postgresql+psycopg://…)
            chosen = _open_server(db_path)
        elif db_path is None and session.settings.get(LAST_SERVER):
            chosen = _reconnect(session)  # the window was on a server when it closed
        else:
            chosen = _open_local(db_path or default_db_path())
        if chosen is None:
            return 1 if isinstance(db_path, str) else 0
        session.show(*chosen)
        return app.exec()
    finally:
        session.finish()


def _open_local(path: Path) -> tuple[Database, int] | None:
    """The local database (lock, checks; the first-run dialog on a new one, which may instead
    connect to the unit's server)."""
    from ui import startup_checks
    from ui.first_run import start_on

    db = startup_checks.open_for_gui(None, path)
    if db is None:
        return None
    try:
        try:
            chosen = start_on(db)
        except Exception:
            # Reading failed before the routine check ran: most likely a damaged file.
            if not startup_checks.recheck_after_failure(None, db):
                raise
            chosen = start_on(db)
    except BaseException:
        startup_checks.on_exit(db, backup=False)
        db.close()
        raise
    if chosen is None or chosen[0] is not db:  # cancelled, or the server chosen instead
        startup_checks.on_exit(db, backup=False)  # an empty database is not worth a backup
        db.close()
    return chosen


def _open_server(address: str) -> tuple[Database, int] | None:
    """``--db postgresql+psycopg://…``: no lock file, integrity check or automatic backup of a file
    (the server's administrator looks after those); the password, when the server asks for one and
    no password file has it, is typed in a dialog and goes only to the driver."""
    from ui.first_run import ensure_branch
    from ui.server_login import open_server_for_gui

    db = open_server_for_gui(None, address)
    if db is None:
        return None
    branch_id = ensure_branch(db)
    if branch_id is None:
        db.close()
        return None
    return db, branch_id


def _reconnect(session: object) -> tuple[Database, int] | None:
    """The window closed on a server: connect to it again (at once with a remembered password, else
    through the 连接服务器 dialog, whose other button opens the local database instead)."""
    from models.errors import BranchBookError
    from models.server_connect import ServerAddress, connect, has_remembered_password
    from ui.first_run import ensure_branch
    from ui.server_dialog import ask_server
    from ui.window_session import WindowSession

    assert isinstance(session, WindowSession)
    address = ServerAddress.from_label(session.settings.get(LAST_SERVER))
    db: Database | None = None
    if address is not None and has_remembered_password(address):
        try:
            db = connect(address)
        except BranchBookError:
            db = None  # the dialog says why on the next try
    if db is None and address is not None:
        db = ask_server(None, session.settings, address, cancel_text="打开本机数据库")
    if db is not None:
        branch_id = ensure_branch(db)
        if branch_id is not None:
            return db, branch_id
        db.close()
    return _open_local(session.local_path())
