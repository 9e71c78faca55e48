"""GUI measures on the 10-year demo: opening the main window, and the meetings list answering
a search keystroke — each beside a bare PySide6 floor in the same process."""

from __future__ import annotations

import sqlite3
from typing import Any

from benchmarks.common import BenchContext, Measure


def measures(ctx: BenchContext) -> list[Measure]:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget

    from models import paths
    from models.db import copy_database, open_database
    from models.meetings import list_meetings
    from models.roster import default_branch
    from ui.app import create_application
    from ui.main_window import MainWindow
    from ui.settings import Settings

    paths.set_base_dir(ctx.tmp / "userdata")
    app = create_application([])
    work = ctx.tmp / "ui.sqlite3"  # a copy: the window's pages must not touch the cached demo
    copy_database(ctx.db_path, work)
    db = open_database(work)
    with db.reading() as s:
        branch_id = default_branch(s).id  # type: ignore[union-attr]
    keep: list[Any] = []

    def open_window() -> None:
        window = MainWindow(db, branch_id, Settings())
        window.show()
        QApplication.processEvents()
        window.close()
        window.deleteLater()

    def open_floor() -> None:
        # A bare window with a table of the same number of rows, SQLAlchemy already imported.
        con = sqlite3.connect(ctx.db_path)
        rows = con.execute("SELECT held_on, meeting_type, title FROM meeting ORDER BY held_on DESC LIMIT 200").fetchall()
        con.close()
        window = QMainWindow()
        table = QTableWidget(len(rows), 3)
        window.setCentralWidget(table)
        window.show()
        QApplication.processEvents()
        window.close()
        window.deleteLater()

    window = MainWindow(db, branch_id, Settings())
    keep.append(window)
    page = window.meetings_page

    def search_keystroke() -> None:
        page.search_box.setText("党史")
        page.reload()
        page.search_box.setText("")
        page.reload()

    def search_floor() -> None:
        con = sqlite3.connect(ctx.db_path)
        for text in ("%党史%", "%"):
            con.execute("SELECT id, held_on, title FROM meeting WHERE title LIKE ? OR minutes LIKE ? "
                        "ORDER BY held_on DESC", (text, text)).fetchall()
        con.close()

    def search_service() -> int:
        with db.reading() as s:
            return len(list_meetings(s, branch_id, text="党史"))

    def search_service_floor() -> int:
        con = sqlite3.connect(ctx.db_path)
        n = len(con.execute(
            "SELECT m.id, count(a.id) FROM meeting m LEFT JOIN attendance a ON a.meeting_id = m.id "
            "WHERE m.title LIKE '%党史%' OR m.minutes LIKE '%党史%' GROUP BY m.id").fetchall())
        con.close()
        return n

    app.processEvents()
    return [
        Measure("main window opens (10-year demo)", open_window, open_floor, "< 1 s", repeat=3),
        Measure("search box: type, then clear (2 reloads)", search_keystroke, search_floor, "< 2 × 100 ms"),
        Measure("search service: 党史", search_service, search_service_floor, "< 100 ms"),
    ]
