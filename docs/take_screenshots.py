"""Retake the window screenshots in docs/screenshots on a 1366×768 office screen (offscreen).

    python docs/take_screenshots.py [--scale 1.25]

Builds the demo branch in a temporary folder (named relatively, so no machine path shows in the
status bar), opens the main window, the meeting editor, the manual and the month dialog, and
saves what a secretary would see."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
DB_NAME = "示例支部.sqlite3"


def shoot() -> None:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication, QMessageBox

    from models import paths

    paths.set_base_dir(Path.cwd() / "userdata")
    from models.db import open_database
    from models.meetings import list_meetings
    from ui import msgbox
    from ui.app import create_application
    from ui.main_window import MainWindow

    app = create_application([])
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Discard

    def settle() -> None:
        for _ in range(8):
            app.processEvents()

    db = open_database(Path(DB_NAME))
    window = MainWindow(db)
    window.show()
    window.finish_start_up()
    settle()
    while not window.is_started():
        app.processEvents()
    for key, name in (("meetings", "main_window"), ("roster", "roster"), ("notes", "notes"), ("stats", "stats")):
        window.show_view(key)
        settle()
        window.grab().save(str(OUT / f"{name}.png"))
    window.show_view("meetings")
    with db.reading() as s:
        held = [r for r in list_meetings(s, window.branch_id) if r.meeting_type.value == "general_assembly"
                and r.status.value != "planned"]
    editor = window.open_meeting(held[0].id)
    editor.tabs.setCurrentIndex(1)
    settle()
    editor.grab().save(str(OUT / "meeting_editor.png"))
    editor.close()
    dialog = window.choose_period("monthly")
    settle()
    dialog.grab().save(str(OUT / "print_month.png"))
    dialog.reject()
    manual = window.open_manual("attendance")
    settle()
    manual.grab().save(str(OUT / "manual.png"))
    manual.close()
    QApplication.processEvents()
    db.close()
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="1")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        shoot()
    with tempfile.TemporaryDirectory(prefix="branchbook-shots-") as folder:
        config = Path(folder) / "screen.json"
        config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366,
                                                   "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96,
                                                   "dpr": 1}]}))
        env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=args.scale,
                   PYTHONPATH=str(ROOT))
        subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", DB_NAME, "--seed", "7"],
                       cwd=folder, env=env, check=True)
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child"], cwd=folder, env=env, check=True)


if __name__ == "__main__":
    main()
