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


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

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

    def run(
        self,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        job = _Job(self.fn)
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

        job.signals.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
        job.signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        Operation._running.add(self)
        self._job_signals = job.signals  # keep the QObject alive until done
        QThreadPool.globalInstance().start(job)
