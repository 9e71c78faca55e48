"""The window and the database it shows. 连接服务器 / 打开本机数据库 switch databases by closing this
window (its own checks for unsaved typing apply) and opening a new one on the other database; a
local file is then released as on exit (automatic backup, clean-close mark, lock), a server just
disconnected. A file's daily backups and routine check run only while a file is on show: a server's
disks and backups are its administrator's."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from models import paths
from models.db import Database
from ui import startup_checks
from ui.main_window import MainWindow
from ui.settings import LAST_LOCAL_DB, LAST_SERVER, Settings


class WindowSession(QObject):
    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.window: MainWindow | None = None
        self.db: Database | None = None

    def show(self, db: Database, branch_id: int) -> MainWindow:
        """A window on ``db`` (already open, ``branch_id`` one of its branches)."""
        window = MainWindow(db, branch_id, self.settings)
        window.database_chosen.connect(self.switch_to)
        window.local_requested.connect(self.open_local)
        if db.is_server:
            self.settings.set(LAST_SERVER, db.label)
        else:
            self.settings.set(LAST_SERVER, "")
            self.settings.set(LAST_LOCAL_DB, str(Path(db.path).absolute()))
            startup_checks.start_daily_backups(window, db)
            window.started.connect(lambda: startup_checks.start_routine_check(
                window, db, window.reload_all, may_replace=window.confirm_discard_typing))
        self.settings.sync()
        self.window, self.db = window, db
        window.show()
        return window

    def local_path(self) -> Path:
        """Where 打开本机数据库 goes: the local file last shown, else the default one."""
        last = self.settings.get(LAST_LOCAL_DB)
        return Path(last) if last else paths.default_db_path()

    def open_local(self) -> bool:
        from ui.first_run import start_on

        db = startup_checks.open_for_gui(self.window, self.local_path())
        if db is None:
            return False
        chosen = start_on(db, self.window)
        if chosen is None or chosen[0] is not db:
            startup_checks.on_exit(db, backup=False)
            db.close()
            return chosen is not None and self._switch(*chosen)
        return self._switch(*chosen)

    def switch_to(self, db: Database) -> bool:
        """Show ``db`` (just connected) instead of the current database; False (``db`` closed) when
        the person keeps the current one (no branch chosen, typing kept)."""
        from ui.first_run import ensure_branch

        branch_id = ensure_branch(db, self.window)
        if branch_id is None:
            self._release(db, backup=False)
            return False
        return self._switch(db, branch_id)

    def _switch(self, db: Database, branch_id: int) -> bool:
        old_window, old_db = self.window, self.db
        if old_window is not None:
            app = QApplication.instance()
            quits = isinstance(app, QApplication) and app.quitOnLastWindowClosed()
            if quits:
                QApplication.setQuitOnLastWindowClosed(False)  # the new window follows at once
            try:
                closed = old_window.close()
            finally:
                if quits:
                    QApplication.setQuitOnLastWindowClosed(True)
            if not closed:
                self._release(db, backup=False)
                return False
            old_window.deleteLater()
        if old_db is not None:
            self._release(old_db)
        self.window = self.db = None
        self.show(db, branch_id)
        return True

    @staticmethod
    def _release(db: Database, *, backup: bool = True) -> None:
        if not db.is_server:
            startup_checks.on_exit(db, backup=backup)
        db.close()

    def finish(self) -> None:
        """The application ends: the database on show is released."""
        if self.db is not None:
            self._release(self.db)
            self.db = None

