"""Message boxes from small factory functions (after qutebrowser's misc/msgbox.py).

Each returns the box already configured; ``ask``/``inform`` show it modally unless a test
has set ``ui.msgbox.AUTO_ANSWER`` (tests drive boxes, never leave them modal)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from models.errors import explain
from models.privacy import scrub

#: Tests set this to a QMessageBox.StandardButton to answer every question without a dialog;
#: the questions asked are recorded in ASKED.
AUTO_ANSWER: QMessageBox.StandardButton | None = None
ASKED: list[str] = []
#: Answers for the next questions, in order, before AUTO_ANSWER (a flow that asks twice).
QUEUED_ANSWERS: list[QMessageBox.StandardButton] = []


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
         buttons: QMessageBox.StandardButton) -> QMessageBox:
    box = QMessageBox(icon, title, text, buttons, parent)
    return box


def ask(parent: QWidget | None, title: str, text: str,
        buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        default: QMessageBox.StandardButton = QMessageBox.StandardButton.No,
        labels: dict[QMessageBox.StandardButton, str] | None = None) -> QMessageBox.StandardButton:
    """Ask a question; returns the button pressed. ``labels`` renames buttons (e.g. Discard →
    “不保存”, where Qt's own translation says “丢弃”)."""
    ASKED.append(text)
    if QUEUED_ANSWERS:
        return QUEUED_ANSWERS.pop(0)
    if AUTO_ANSWER is not None:
        return AUTO_ANSWER
    box = _box(parent, QMessageBox.Icon.Question, title, text, buttons)
    box.setDefaultButton(default)
    for which, label in (labels or {}).items():
        button = box.button(which)
        if button is not None:
            button.setText(label)
    return QMessageBox.StandardButton(box.exec())


#: Button texts for the unsaved-changes question (Qt's own translation says “丢弃” for Discard).
UNSAVED_LABELS = {QMessageBox.StandardButton.Save: "保存", QMessageBox.StandardButton.Discard: "不保存",
                  QMessageBox.StandardButton.Cancel: "取消"}


def ask_unsaved(parent: QWidget | None, text: str) -> QMessageBox.StandardButton:
    """保存 / 不保存 / 取消 before typing would be lost; returns Save, Discard or Cancel."""
    buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
               | QMessageBox.StandardButton.Cancel)
    return ask(parent, "尚未保存", text, buttons, QMessageBox.StandardButton.Save, UNSAVED_LABELS)


#: Answers for ask_number, in order (None: the question was cancelled); tests fill it.
QUEUED_NUMBERS: list[int | None] = []


def ask_number(parent: QWidget | None, title: str, text: str, value: int, minimum: int, maximum: int) -> int | None:
    """Ask for a whole number (e.g. which page of the 签到表 a photo shows); None when cancelled."""
    ASKED.append(text)
    if QUEUED_NUMBERS:
        return QUEUED_NUMBERS.pop(0)
    if AUTO_ANSWER is not None:
        return None
    from PySide6.QtWidgets import QInputDialog

    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(text)
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(minimum, maximum)
    dialog.setIntValue(value)
    dialog.setOkButtonText("确定")
    dialog.setCancelButtonText("取消")
    return dialog.intValue() if dialog.exec() else None


def inform(parent: QWidget | None, title: str, text: str) -> None:
    ASKED.append(text)
    if AUTO_ANSWER is not None:
        return
    _box(parent, QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok).exec()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    ASKED.append(text)
    if AUTO_ANSWER is not None:
        return
    _box(parent, QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok).exec()


def show_error(parent: QWidget | None, exc: BaseException, trace: str = "") -> None:
    """A user error shows its Chinese message; anything else the crash dialog with a report."""
    known = explain(exc)  # a BranchBookError's message, a full disk, a busy database…
    if known is not None:
        warn(parent, "操作未完成", known)
        return
    ASKED.append(f"意外错误：{exc!r}")
    if AUTO_ANSWER is not None:
        return
    box = _box(parent, QMessageBox.Icon.Critical, "发生意外错误",
               "操作未完成，已保存的记录不受影响。\n请把下面的错误报告复制给维护人员。",
               QMessageBox.StandardButton.Ok)
    box.setDetailedText(scrub(trace or repr(exc)))
    box.exec()
