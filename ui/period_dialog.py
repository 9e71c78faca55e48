"""打印本月汇编 / 年度台账: which month or year. Opens on the last month with held meetings, so
printing never depends on which meeting happens to be selected in the list."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

TITLES = {"monthly": "打印本月汇编", "annual": "打印年度台账"}


class PeriodDialog(QDialog):
    """``kind`` is "monthly" (year and month) or "annual" (year only)."""

    def __init__(self, parent: QWidget | None, kind: str, default: date) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(TITLES[kind])
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setSuffix(" 年")
        self.year_spin.setValue(default.year)
        self.month_combo = QComboBox(self)
        for m in range(1, 13):
            self.month_combo.addItem(f"{m}月", m)
        self.month_combo.setCurrentIndex(default.month - 1)
        hint = QLabel("默认为最近一次已召开会议所在的月份。" if kind == "monthly"
                      else "默认为最近一次已召开会议所在的年份。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("年份", self.year_spin)
        if kind == "monthly":
            form.addRow("月份", self.month_combo)
        else:
            self.month_combo.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("生成并预览")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)

    def year(self) -> int:
        return self.year_spin.value()

    def month(self) -> str:
        """YYYY-MM, as the report commands take it."""
        return f"{self.year_spin.value()}-{int(self.month_combo.currentData()):02d}"
