"""A long session on Python 3.11 does not abort on PySide6's extra releases of True/None."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SESSION = """
import sys
from PySide6.QtWidgets import QCheckBox, QLabel
{setup}
box, label = QCheckBox(), QLabel()
for _ in range(300_000):  # each emit releases True once too often, each setText None
    box.clicked.emit()
    label.setText("学习")
print("survived", flush=True)
"""


def _run(setup: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", SESSION.format(setup=setup)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_application_survives_many_qt_calls() -> None:
    done = _run("from ui.app import create_application\napp = create_application([])")
    assert done.returncode == 0 and "survived" in done.stdout, done.stderr[-500:]
