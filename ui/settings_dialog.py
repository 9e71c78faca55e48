"""设置: the branch's name, 上级党组织 and start of records (建账日期), the font documents are printed in, and the
meeting-frequency rules. Everything is saved through the services in models/ and reports/."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.errors import BranchBookError
from models.roster import list_branches, update_branch
from models.settings_store import get_setting, set_setting
from reports import fonts
from ui.first_run import SINCE_HINT
from ui.look import apply_font_size
from ui.screen_fit import open_fitted, scrolling
from ui.settings import FONT_SIZE, FONT_SIZES, Settings
from ui.widgets import DateEdit


class SettingsDialog(QDialog):
    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.setWindowTitle("设置")
        self.setMinimumWidth(560)
        with db.reading() as s:
            branch = next(b for b in list_branches(s) if b.id == branch_id)
            self.font_path: str | None = get_setting(s, branch_id, fonts.SETTING_KEY)
        self.founded_on = branch.founded_on

        branch_box = QGroupBox("党支部信息")
        form = QFormLayout(branch_box)
        self.name_edit = QLineEdit(branch.name)
        self.superior_edit = QLineEdit(branch.superior_org)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form.addRow("支部名称：", self.name_edit)
        form.addRow("上级党组织：", self.superior_edit)
        # optional only for a database made before the start of records existed (“未设置”)
        self.since_edit = DateEdit(branch.records_since, optional=branch.records_since is None)
        if branch.records_since is None:
            self.since_edit.setSpecialValueText("未设置（全部月份均计入）")
        self.since_edit.setToolTip(SINCE_HINT)
        since_hint = QLabel(SINCE_HINT)
        since_hint.setObjectName("since_hint")
        since_hint.setWordWrap(True)
        since_hint.setStyleSheet("color: #666;")
        form.addRow("建账日期：", self.since_edit)
        form.addRow("", since_hint)
        form.addRow("", self.error_label)

        font_box = QGroupBox("打印字体")
        font_layout = QVBoxLayout(font_box)
        self.font_label = QLabel()
        self.font_label.setWordWrap(True)
        font_layout.addWidget(self.font_label)
        buttons = QHBoxLayout()
        self.choose_font = QPushButton("选择字体文件…")
        self.choose_font.clicked.connect(self._choose_font)
        self.default_font = QPushButton("恢复默认字体")
        self.default_font.clicked.connect(lambda: self._set_font(None))
        buttons.addWidget(self.choose_font)
        buttons.addWidget(self.default_font)
        buttons.addStretch(1)
        font_layout.addLayout(buttons)
        hint = QLabel("会议记录、签到表、汇编和台账使用此字体，并嵌入 PDF 文件，在任何电脑上打印效果相同。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        font_layout.addWidget(hint)

        rules_box = QGroupBox("会议频次规则")
        rules_layout = QHBoxLayout(rules_box)
        rules_layout.addWidget(QLabel("各类会议每月、每季度、每年应召开的次数。"), 1)
        rules_button = QPushButton("规则设置…")
        rules_button.clicked.connect(self._edit_rules)
        rules_layout.addWidget(rules_button)

        look_box = self._look_box()
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (branch_box, font_box, rules_box, look_box):
            column.addWidget(widget)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(content), 1)
        layout.addWidget(box)
        self._show_font()
        # Qt sizes a new window to at most 2/3 of the screen and then ignores the wrapped hints'
        # height for width (the 建账日期 hint was cut off at 125 %): ask the layout for the height
        # the whole text needs at this width, and scroll where the screen is shorter still.
        width = max(self.minimumWidth(), content.sizeHint().width())
        margins = layout.contentsMargins()
        height = (column.totalHeightForWidth(width) + box.sizeHint().height() + layout.spacing()
                  + margins.top() + margins.bottom())
        open_fitted(self, QSize(width + margins.left() + margins.right(), height))

    def _look_box(self) -> QGroupBox:
        """界面字号: the size of every text in the window (大字号 for older secretaries)."""
        box = QGroupBox("界面字号")
        row = QHBoxLayout(box)
        self.font_size_combo = QComboBox()
        for key, (label, _points) in FONT_SIZES.items():
            self.font_size_combo.addItem(label, key)
        self.font_size_combo.setCurrentIndex(max(self.font_size_combo.findData(Settings().get(FONT_SIZE)), 0))
        row.addWidget(QLabel("窗口中文字的大小："))
        row.addWidget(self.font_size_combo)
        row.addStretch(1)
        return box

    def _apply_font_size(self) -> None:
        key = self.font_size_combo.currentData()
        settings = Settings()
        if key != settings.get(FONT_SIZE):
            settings.set(FONT_SIZE, key)
            settings.sync()
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_font_size(app, key)

    def _show_font(self) -> None:
        self.font_label.setText(fonts.font_in_use(self.font_path))
        self.default_font.setEnabled(bool(self.font_path))

    def _choose_font(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择中文 TrueType 字体", "", "字体文件 (*.ttf *.ttc)")
        if path:
            self._set_font(path)

    def _set_font(self, path: str | None) -> None:
        if path is not None and fonts.user_font(Path(path)) is None:
            self.font_label.setText(
                f"“{Path(path).name}”无法用于打印：须为含中文字符的 TrueType 字体（.ttf/.ttc），请另选一个。")
            return
        self.font_path = path
        self._show_font()

    def _edit_rules(self) -> None:
        from ui.rules_dialog import RulesDialog

        RulesDialog(self.db, self.branch_id, self).exec()

    def accept(self) -> None:
        try:
            with self.db.transaction() as s:
                update_branch(s, self.branch_id, self.name_edit.text(), self.superior_edit.text(),
                              self.founded_on, records_since=self.since_edit.value())
                set_setting(s, self.branch_id, fonts.SETTING_KEY, self.font_path)
        except BranchBookError as exc:
            self.error_label.setText(exc.message)
            self.error_label.show()
            (self.since_edit if exc.field == "records_since" else self.name_edit).setFocus()
            return
        self._apply_font_size()
        super().accept()
