"""The window paints before SQLAlchemy is imported (fast start): the real program in its own
process shows the branch and the newest meetings read straight from the file, then imports
the ORM and finishes starting; the list it painted is the one the services give."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from models.db import open_database
from models.meetings import list_meetings
from tests.models.backup_support import populate

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
app = QApplication(sys.argv[:1])

def ids(window):
    page = window.meetings_page
    return ",".join(str(page.proxy.row_at(r).id) for r in range(page.proxy.rowCount()))

class Watch(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if (not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and isinstance(obj.window(), QMainWindow)):
            self.seen = True
            window = obj.window()
            print("PAINT", "sqlalchemy" in sys.modules, window.windowTitle(), ids(window), sep="\t", flush=True)
            def finished():
                if not window.is_started():
                    QTimer.singleShot(20, finished)
                    return
                print("STARTED", "sqlalchemy" in sys.modules, ids(window), sep="\t", flush=True)
                window.close()
            QTimer.singleShot(0, finished)
        return False

watch = Watch()
app.installEventFilter(watch)
import main
sys.exit(main.main(["--db", sys.argv[1]]))
"""


def test_window_paints_the_newest_meetings_before_sqlalchemy_loads(tmp_path: Path) -> None:
    path = tmp_path / "branchbook.sqlite3"
    db = open_database(path)
    branch_id = populate(db, name="中共测试局第一党支部", meetings=5)
    with db.reading() as s:
        expected = ",".join(str(r.id) for r in list_meetings(s, branch_id, limit=200))
    db.close()
    # the program's own user folder (settings such as the last page shown, start-up backups) in
    # this test's: never the real profile, whose remembered page would change what paints first
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8",
           "BRANCHBOOK_DATA_DIR": str(tmp_path / "userdata"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)
    lines = {line.split("\t")[0]: line.split("\t")[1:] for line in done.stdout.splitlines()}
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert lines["PAINT"] == ["False", "中共测试局第一党支部 — 支部工作记录本", expected], lines
    assert lines["STARTED"] == ["True", expected], lines
