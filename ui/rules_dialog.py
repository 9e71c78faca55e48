"""规则设置: how often each kind of meeting is due in this branch (defaults from SPEC §3;
local rules differ, e.g. a 党课 every half year)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.errors import BranchBookError
from models.rules import (
    DEFAULT_FREQUENCIES,
    PERIOD_KINDS,
    PERIOD_LABELS,
    RULE_ORDER,
    Frequency,
    RuleSettings,
    get_rule_settings,
    rule_label,
    set_rule_settings,
)
from ui import msgbox


class RulesDialog(QDialog):
    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.setWindowTitle("会议频次规则")
        with db.reading() as session:
            settings = get_rule_settings(session, branch_id)
        grid = QGridLayout()
        grid.addWidget(QLabel("会议类型"), 0, 0)
        grid.addWidget(QLabel("周期"), 0, 1)
        grid.addWidget(QLabel("至少（次）"), 0, 2)
        self.periods: dict[str, QComboBox] = {}
        self.counts: dict[str, QSpinBox] = {}
        for row, key in enumerate(RULE_ORDER, start=1):
            combo = QComboBox()
            for kind in PERIOD_KINDS:
                combo.addItem(PERIOD_LABELS[kind], kind)
            count = QSpinBox()
            count.setRange(0, 31)
            count.setToolTip("填 0 表示本支部不要求")
            grid.addWidget(QLabel(rule_label(key)), row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(count, row, 2)
            self.periods[key], self.counts[key] = combo, count
        self._show(settings)
        defaults = QPushButton("恢复默认")
        defaults.clicked.connect(lambda: self._show(RuleSettings()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.addButton(defaults, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        note = QLabel("默认值依据《中国共产党支部工作条例（试行）》；各地要求不同时可在此调整。")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(grid)
        layout.addWidget(buttons)

    def _show(self, settings: RuleSettings) -> None:
        for key in RULE_ORDER:
            freq = settings.frequency(key)
            self.periods[key].setCurrentIndex(PERIOD_KINDS.index(freq.period))
            self.counts[key].setValue(freq.count)

    def settings(self) -> RuleSettings:
        return RuleSettings({key: Frequency(str(self.periods[key].currentData()), self.counts[key].value())
                             for key in DEFAULT_FREQUENCIES})

    def save(self) -> None:
        try:
            with self.db.transaction() as session:
                set_rule_settings(session, self.branch_id, self.settings())
        except BranchBookError as exc:
            msgbox.show_error(self, exc)
            return
        self.accept()
