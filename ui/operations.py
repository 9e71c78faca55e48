"""Slow work off the GUI thread (after Anki's aqt/operations): run a function in the thread
pool, then call back on the GUI thread with its result or its error, with a busy indicator."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object, str)
    progressed = Signal(int, int, str)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.succeeded.emit(result)


class Operation(Generic[T]):
    """``Operation(parent, fn, label).run(on_success, on_failure)``.

    ``fn`` runs on a worker thread and must not touch widgets; it should open its own
    session (``db.transaction()``). ``on_failure(exc)`` defaults to the error dialog.
    """

    _running: ClassVar[set[Operation[Any]]] = set()

    def __init__(self, parent: QWidget | None, fn: Callable[[], T], label: str = "正在处理，请稍候…") -> None:
        self.parent = parent
        self.fn = fn
        self.label = label
        self.progress: QProgressDialog | None = None
        self._signals = _Signals()  # made on the GUI thread: its slots run there

    def report(self, done: int, total: int, text: str = "") -> None:
        """Called by ``fn`` on the worker thread: step ``done`` of ``total`` (the busy
        indicator becomes a progress bar), ``text`` under the label."""
        self._signals.progressed.emit(done, total, text)

    def run(
        self,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> None:
        job = _Job(self.fn, self._signals)
        if self.parent is not None:
            self.progress = QProgressDialog(self.label, "", 0, 0, self.parent)
            self.progress.setWindowTitle("请稍候")
            self.progress.setCancelButton(None)
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(400)
            self.progress.setValue(0)

        def done() -> None:
            if self.progress is not None:
                self.progress.reset()
                self.progress.deleteLater()
                self.progress = None
            Operation._running.discard(self)

        def succeeded(result: Any) -> None:
            done()
            if on_success is not None:
                on_success(result)

        def failed(exc: BaseException, trace: str) -> None:
            done()
            if on_failure is not None:
                on_failure(exc)
            else:
                from ui.msgbox import show_error

                show_error(self.parent, exc, trace)

        def progressed(done: int, total: int, text: str) -> None:
            if on_progress is not None:
                on_progress(done, total, text)
            dialog = self.progress
            if dialog is not None:
                dialog.setLabelText(f"{self.label}\n{text}" if text else self.label)
                dialog.setMaximum(total)
                dialog.setValue(done)  # a modal dialog processes events here: may even finish the run

        job.signals.progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
        job.signals.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
        job.signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        Operation._running.add(self)
        self._job_signals = job.signals  # keep the QObject alive until done
        QThreadPool.globalInstance().start(job)
