"""For tests that start the real program as a new user would: with the environment variable
``BRANCHBOOK_TEST_WINDOW_PROBE=1`` every top-level window the program shows (the first-run
dialog, a message box, the main window) is announced on stdout as one line

    WINDOW<TAB>ClassName<TAB>window title<TAB>text of a message box, on one line

and then closed, so the process ends by itself: what a person would see first can be checked
from outside the process, without any code of the test running inside it. With
``BRANCHBOOK_TEST_WINDOW_SHOTS=<folder>`` as well, each window is saved there as a PNG
(``01-BranchDialog.png`` …) before it closes, to be looked at. Without the variables nothing
is installed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

ENV_VAR = "BRANCHBOOK_TEST_WINDOW_PROBE"
SHOTS_VAR = "BRANCHBOOK_TEST_WINDOW_SHOTS"


class WindowProbe(QObject):
    def __init__(self, parent: QObject, shots: Path | None) -> None:
        super().__init__(parent)
        self.shots = shots
        self.count = 0

    def _finish(self, window: QWidget) -> None:
        if self.shots is not None:
            self.count += 1
            self.shots.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(self.shots / f"{self.count:02d}-{type(window).__name__}.png"))
        window.close()  # a dialog's exec() returns, the main window closes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            kind = watched.windowType()
            if kind in (Qt.WindowType.Window, Qt.WindowType.Dialog):
                text = watched.text() if isinstance(watched, QMessageBox) else ""
                fields = [type(watched).__name__, watched.windowTitle(), text.replace("\n", " ")]
                print("WINDOW\t" + "\t".join(fields), flush=True)
                QTimer.singleShot(0, lambda: self._finish(watched))
        return False


def install_if_asked(app: QApplication) -> None:
    if os.environ.get(ENV_VAR) != "1" or app.property("branchbook_probe"):
        return
    shots = os.environ.get(SHOTS_VAR)
    probe = WindowProbe(app, Path(shots) if shots else None)
    app.installEventFilter(probe)
    app.setProperty("branchbook_probe", True)
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8")
