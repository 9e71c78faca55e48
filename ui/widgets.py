"""Small input widgets shared by the editors: dates that may be left empty, fields with an
error label underneath."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel, QVBoxLayout, QWidget

EMPTY_DATE = QDate(1900, 1, 1)


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class DateEdit(QDateEdit):
    """A date in the record book's format (2026年3月5日); ``optional`` allows “未填”."""

    def __init__(self, value: date | None = None, *, optional: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy年M月d日")
        if optional:
            self.setMinimumDate(EMPTY_DATE)
            self.setSpecialValueText("未填")
        self.set_value(value if value is not None or optional else date.today())

    def value(self) -> date | None:
        q = self.date()
        if self.optional and q == EMPTY_DATE:
            return None
        return date(q.year(), q.month(), q.day())

    def set_value(self, value: date | None) -> None:
        if value is None:
            self.setDate(EMPTY_DATE if self.optional else QDate.currentDate())
        else:
            self.setDate(to_qdate(value))


def with_error(widget: QWidget, error: QLabel) -> QWidget:
    """The widget with its (hidden) red error label underneath."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


def labelled(title: str, widget: QWidget) -> QWidget:
    """A caption above a large widget (a text box, a table)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel(title))
    layout.addWidget(widget, 1)
    return box
