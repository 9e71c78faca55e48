"""Windows fit the office screen (1366×768 with a taskbar, at 100/125/150 % scaling), remember
their size, long forms scroll, and 界面字号 (大字号) applies to the whole window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from models.db import Database
from models.enums import MeetingType
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting
from ui.main_window import MainWindow
from ui.meeting_editor import MeetingEditor
from ui.member_editor import MemberEditor
from ui.screen_fit import work_area
from ui.settings import EDITOR_GEOMETRY, FONT_SIZE, Settings
from ui.settings_dialog import SettingsDialog

answer = gui_support.answer
branch = gui_support.branch

ROOT = Path(__file__).resolve().parents[2]


def _inside(widget: QWidget) -> bool:
    return work_area(widget).contains(widget.frameGeometry())


def test_windows_open_inside_a_small_screen(qtbot: QtBot, db: Database, branch: SmallBranch,
                                            answer: list) -> None:
    """The test screen (800×600) is smaller than every window's preferred size."""
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert work_area(window).width() < 1280
    assert _inside(window), (window.frameGeometry(), work_area(window))
    for key in ("meetings", "roster", "notes", "stats", "backup"):
        window.show_view(key)
        assert window.minimumSizeHint().width() <= work_area(window).width()
        assert window.minimumSizeHint().height() <= work_area(window).height()
    editor = window.new_meeting(MeetingType.COMMITTEE)
    assert _inside(editor) and editor.width() < 1000
    member = MemberEditor(db, branch.branch_id, branch.secretary, window)
    member.show()
    assert _inside(member)
    # long forms scroll instead of holding their window taller than the screen
    assert isinstance(editor.tabs.widget(0), QScrollArea)
    assert member.findChild(QScrollArea) is not None


def test_the_editor_remembers_its_size_but_never_outgrows_the_screen(qtbot: QtBot, db: Database,
                                                                     branch: SmallBranch, answer: list) -> None:
    editor = MeetingEditor(db, branch.branch_id)
    qtbot.addWidget(editor)
    editor.show()
    editor.resize(620, 450)
    editor.close()
    assert not Settings().get(EDITOR_GEOMETRY).isEmpty()
    again = MeetingEditor(db, branch.branch_id)
    qtbot.addWidget(again)
    again.show()
    assert again.size() == QSize(620, 450)
    again.setGeometry(QRect(300, 300, 2000, 1500))  # remembered on a larger screen
    again.close()
    third = MeetingEditor(db, branch.branch_id)
    qtbot.addWidget(third)
    third.show()
    assert _inside(third)


def test_large_font_setting_applies_to_the_whole_window(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                        answer: list, qapp: QApplication) -> None:
    font = qapp.font()
    try:
        dialog = SettingsDialog(db, branch.branch_id)
        qtbot.addWidget(dialog)
        assert dialog.font_size_combo.currentText() == "标准"
        dialog.font_size_combo.setCurrentIndex(dialog.font_size_combo.findText("特大"))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        assert Settings().get(FONT_SIZE) == "xlarge"
        assert qapp.font().pointSize() == 14
        window = MainWindow(db)
        qtbot.addWidget(window)
        assert window.meetings_page.font().pointSize() == 14
        again = SettingsDialog(db, branch.branch_id)
        qtbot.addWidget(again)
        assert again.font_size_combo.currentText() == "特大"
    finally:
        qapp.setFont(font)


PROBE = """
import json, sys
from pathlib import Path
from models import paths
Path(sys.argv[2]).mkdir(parents=True, exist_ok=True)
paths.set_base_dir(Path(sys.argv[2]))
from PySide6.QtWidgets import QMessageBox
from ui.app import create_application
from ui import msgbox
from models.db import open_database
from models.meetings import list_meetings
from reports.documents import write_document
app = create_application([])
msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Discard
db = open_database(Path(sys.argv[1]))
from ui.main_window import MainWindow
from ui.member_editor import MemberEditor
from ui.preview import PdfPreviewDialog
window = MainWindow(db)
window.show()
with db.reading() as s:
    meeting = list_meetings(s, window.branch_id)[0].id
pdf = Path(sys.argv[2]) / "m.pdf"
write_document(db, "minutes", pdf, branch_id=window.branch_id, meeting_id=meeting)
shown = {"main": window, "editor": window.open_meeting(meeting), "new_editor": window.new_meeting(),
         "member": MemberEditor(db, window.branch_id, None, window),
         "preview": PdfPreviewDialog(pdf, "会议记录", window)}
out = {}
for name, widget in shown.items():
    widget.show()
    app.processEvents()
    r, minimum = widget.frameGeometry(), widget.minimumSizeHint()
    out[name] = [r.x(), r.y(), r.width(), r.height(), minimum.width(), minimum.height()]
area = app.primaryScreen().availableGeometry()
out["area"] = [area.x(), area.y(), area.width(), area.height()]
print(json.dumps(out), flush=True)
import os
db.close()
os._exit(0)  # the windows go with the process: tearing Qt down widget by widget is not the point here
"""


@pytest.mark.parametrize("scale", ["1", "1.25", "1.5"])
def test_every_window_fits_1366x768_at_office_scaling(tmp_path: Path, db: Database, branch: SmallBranch,
                                                      scale: str) -> None:
    """A real 1366×768 screen (offscreen, in its own process) at 100/125/150 % scaling."""
    add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, date.today() - timedelta(days=3), "支委会")
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=scale,
               PYTHONPATH=str(ROOT))
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(probe), str(db.path), str(tmp_path / "user")], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    ax, ay, aw, ah = found.pop("area")
    assert (aw, ah) == (round(1366 / float(scale)), round(768 / float(scale))) or aw < 1366
    for name, (x, y, w, h, min_w, min_h) in found.items():
        assert ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah, (name, found[name], aw, ah)
        assert min_w <= aw and min_h <= ah, (name, found[name])


SETTINGS_PROBE = """
import json, sys
from pathlib import Path
from models import paths
paths.set_base_dir(Path(sys.argv[2]))
from ui.app import create_application
from models.db import open_database
from models.roster import list_branches
from PySide6.QtWidgets import QLabel
app = create_application([])
db = open_database(Path(sys.argv[1]))
from ui.settings_dialog import SettingsDialog
with db.reading() as s:
    branch_id = list_branches(s)[0].id
dialog = SettingsDialog(db, branch_id)
dialog.show()
for _ in range(5):
    app.processEvents()
hint = dialog.findChild(QLabel, "since_hint")
r = dialog.frameGeometry()
area = app.primaryScreen().availableGeometry()
shown = hint.visibleRegion().boundingRect()
print(json.dumps({"dialog": [r.x(), r.y(), r.width(), r.height()],
                  "area": [area.x(), area.y(), area.width(), area.height()],
                  "hint": [hint.width(), hint.height(), hint.heightForWidth(hint.width()),
                           hint.sizeHint().width(), hint.sizeHint().height()],
                  "hint_visible": [shown.width(), shown.height()]}), flush=True)
import os
db.close()
os._exit(0)
"""


@pytest.mark.parametrize("scale", ["1.25", "1.5"])
def test_the_settings_hint_is_whole_at_office_scaling(tmp_path: Path, db: Database, branch: SmallBranch,
                                                      scale: str) -> None:
    """建账日期's hint under its field is not cut off on a 1366×768 screen at 125 % and 150 %."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=scale,
               PYTHONPATH=str(ROOT))
    probe = tmp_path / "probe.py"
    probe.write_text(SETTINGS_PROBE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(probe), str(db.path), str(tmp_path / "user")], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    ax, ay, aw, ah = found["area"]
    x, y, w, h = found["dialog"]
    assert ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah, found
    width, height, needed, hint_w, hint_h = found["hint"]
    # every wrapped line has its room, and the label's own preferred size fits beside its field
    assert height >= needed and hint_w <= width and hint_h <= height, found
