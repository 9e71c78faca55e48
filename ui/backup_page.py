"""备份与恢复 page: back up to a USB stick or any folder, the list of local backups,
restore, verify and merge — all slow work through ui.operations.Operation.

Restore keeps the same :class:`Database` object (its engine is replaced) and emits
``database_replaced``: the window must reload everything, because the branch and record
ids of the restored file may differ. Merge emits it too when records changed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import passphrase as passphrase_rule
from models.autobackup import (
    BackupEntry,
    backups_of,
    last_backup_text,
    record_backup,
    usb_reminder,
)
from models.backup import (
    BackupInfo,
    create_backup,
    is_encrypted,
    opened_backup,
    verify_backup,
)
from models.db import Database
from models.errors import BranchBookError, ValidationError, explain
from models.lock import drive_kind
from models.merge import MergeSummary, merge_checked
from models.merge_many import ManyOutcome
from models.restore import RestoreResult, restore_database
from ui import msgbox
from ui.backup_list import BackupListModel, removable_volumes
from ui.merge_conflicts import ConflictsBar
from ui.merge_flow import MergeManyFlow
from ui.operations import Operation

T = TypeVar("T")


class BackupPage(QWidget):
    #: emitted after a backup succeeded (text for the status bar).
    backup_done = Signal(str)
    #: emitted after a restore or merge replaced/changed the records: the window reloads.
    database_replaced = Signal()

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        # dialogs behind replaceable callables, so tests can drive the page without modal windows
        self.choose_folder: Callable[[], Path | None] = self._choose_folder
        self.choose_file: Callable[[str], Path | None] = self._choose_file
        self.choose_files: Callable[[str], list[Path]] = self._choose_files
        self.choose_merge_folder: Callable[[], Path | None] = self._choose_merge_folder
        self.ask_passphrase: Callable[[Path], str | None] = self._ask_passphrase
        self.ask_new_passphrase: Callable[[], str | None] = self._ask_new_passphrase
        #: asked after the person confirmed a restore or merge: False keeps the database as it
        #: is (the window's editors hold typing the person wants to keep)
        self.may_replace: Callable[[], bool] = lambda: True
        self._last_target: Path | None = None
        self.merge_flow: MergeManyFlow | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        self.conflicts = ConflictsBar(db, branch_id)
        layout.addWidget(self.conflicts)
        layout.addWidget(self._backup_box())
        layout.addWidget(self._list_box(), 1)
        layout.addWidget(self.outcome)
        self.refresh()

    # --- layout ---------------------------------------------------------------------------

    def _backup_box(self) -> QGroupBox:
        box = self.backup_box = QGroupBox("备份到U盘或其他文件夹")
        form = QFormLayout(box)
        self.target = QComboBox()
        self.target.setEditable(True)
        self.target.setMinimumWidth(360)
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(browse)
        form.addRow("保存到：", row)
        self.encrypt = QCheckBox("加密备份（设置密码，U盘丢失时别人无法读取）")
        self.encrypt.toggled.connect(self._encrypt_toggled)
        form.addRow("", self.encrypt)
        self.passphrase = QLineEdit()
        self.passphrase2 = QLineEdit()
        for edit, hint in ((self.passphrase, f"至少 {passphrase_rule.MIN_LENGTH} 个字符"), (self.passphrase2, "再输入一次")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(hint)
        form.addRow("备份密码：", self.passphrase)
        form.addRow("确认密码：", self.passphrase2)
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.start_backup)
        form.addRow("", self.backup_button)
        self.target.currentIndexChanged.connect(self._target_changed)
        self._encrypt_toggled(self.encrypt.isChecked())  # no target yet: passwords off with encryption
        return box

    def _list_box(self) -> QGroupBox:
        box = QGroupBox("本机备份（自动备份保留最近 7 天、4 周、12 个月）")
        layout = QVBoxLayout(box)
        self.model = BackupListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        pick = self._with_file
        for text, slot in (("恢复所选备份…", self.restore_selected), ("校验所选", self.verify_selected),
                           ("从文件恢复…", lambda: pick("选择要恢复的备份文件", self.restore)),
                           ("校验备份文件…", lambda: pick("选择要校验的备份文件", self.verify)),
                           ("合并其他支部的备份…", self.merge_chosen_files),
                           ("合并文件夹中的备份…", self.merge_folder),
                           ("刷新", self.refresh)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    # --- state ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.model.load(backups_of(self.db.path))
        self.conflicts.refresh()
        self._refresh_targets()
        text = self.last_backup_text()
        reminder = self.reminder_text()
        self.status.setText(text + (f"\n⚠ {reminder}" if reminder else ""))

    def _refresh_targets(self) -> None:
        """The USB sticks plugged in now, and the folder typed or chosen before."""
        current = self.target.currentText()
        self.target.blockSignals(True)
        self.target.clear()
        for label, root in removable_volumes():
            self.target.addItem(label, str(root))
        if current and self.target.findData(current) < 0 and self.target.findText(current) < 0:
            self.target.addItem(current, current)
        self.target.blockSignals(False)
        if self.target_folder() != self._last_target:
            self._target_changed()

    def reminder_text(self) -> str | None:
        """The USB reminder (nothing backed up to a stick for 30 days), or None."""
        return usb_reminder(self.db.path)

    def last_backup_text(self) -> str:
        """For the status bar, e.g. “最近备份：2026年11月20日 18:02”."""
        return last_backup_text(self.db.path)

    def target_folder(self) -> Path | None:
        index, text = self.target.currentIndex(), self.target.currentText().strip()
        if index >= 0 and text == self.target.itemText(index) and self.target.itemData(index):
            return Path(self.target.itemData(index))
        return Path(text) if text else None

    def _target_changed(self) -> None:
        """A new target: encryption defaults to on for a removable or network drive."""
        folder = self._last_target = self.target_folder()
        self.encrypt.setChecked(folder is not None and drive_kind(folder) != "local")
        self._encrypt_toggled(self.encrypt.isChecked())

    def _encrypt_toggled(self, on: bool) -> None:
        self.passphrase.setEnabled(on)
        self.passphrase2.setEnabled(on)

    def set_target(self, folder: Path) -> None:
        index = self.target.findData(str(folder))
        if index < 0:
            self.target.addItem(str(folder), str(folder))
            index = self.target.count() - 1
        self.target.setCurrentIndex(index)

    # --- dialogs (replaceable) -----------------------------------------------------------

    def _choose_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, "选择备份保存的文件夹")
        return Path(folder) if folder else None

    def _choose_file(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, title, "", "支部工作记录本备份 (*.bbk);;所有文件 (*)")
        return Path(name) if name else None

    def _choose_files(self, title: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self, title, "", "支部工作记录本备份 (*.bbk);;所有文件 (*)")
        return [Path(n) for n in names]

    def _choose_merge_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, "选择放有各支部备份的文件夹（如U盘）")
        return Path(folder) if folder else None

    def _ask_passphrase(self, path: Path) -> str | None:
        text, ok = QInputDialog.getText(self, "备份密码", f"备份“{path.name}”已加密，请输入密码：",
                                        QLineEdit.EchoMode.Password)
        return passphrase_rule.normalise(text) if ok and text else None

    def _ask_new_passphrase(self) -> str | None:
        """Twice, for an encrypted backup started from the toolbar; None if cancelled."""
        first, ok = QInputDialog.getText(self, "备份密码", f"请设置备份密码（至少 {passphrase_rule.MIN_LENGTH} 个字符）：",
                                         QLineEdit.EchoMode.Password)
        if not ok:
            return None
        second, ok = QInputDialog.getText(self, "备份密码", "请再输入一次备份密码：", QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if first != second:
            msgbox.warn(self, "备份密码", "两次输入的密码不一致，备份未开始。请重新点击“备份到U盘”。")
            return None
        return first

    def _with_file(self, title: str, action: Callable[[Path], None]) -> None:
        path = self.choose_file(title)
        if path is not None:
            action(path)

    def _browse(self) -> None:
        folder = self.choose_folder()
        if folder is not None:
            self.set_target(folder)

    # --- backup ---------------------------------------------------------------------------

    def backup_to_removable(self) -> None:
        """The toolbar's 备份到U盘 action."""
        volumes = removable_volumes()
        if not volumes:
            msgbox.inform(self, "备份到U盘", "没有找到U盘。请插入U盘，或在“保存到”中选择一个文件夹后点击“立即备份”。")
            return
        self.set_target(volumes[0][1])
        if self.encrypt.isChecked() and not self.passphrase.text():
            passphrase = self.ask_new_passphrase()
            if passphrase is None:
                return
            self.passphrase.setText(passphrase)
            self.passphrase2.setText(passphrase)
        self.start_backup()

    def _passphrase_for_backup(self) -> tuple[bool, str | None]:
        if not self.encrypt.isChecked():
            return True, None
        first, second = self.passphrase.text(), self.passphrase2.text()
        try:
            checked = passphrase_rule.check_new(first)  # the command line's rule too
        except ValidationError as exc:
            msgbox.warn(self, "备份密码", exc.message)
            self.passphrase.setFocus()
            return False, None
        if checked != passphrase_rule.normalise(second):
            msgbox.warn(self, "备份密码", "两次输入的密码不一致，请在“确认密码”中重新输入。")
            self.passphrase2.setFocus()
            return False, None
        return True, checked

    def backup_request(self) -> tuple[Path, str | None] | None:
        """Where to write the backup and its passphrase (None: no 加密), asked and checked;
        None when something is missing (the user has been told what)."""
        folder = self.target_folder()
        if folder is None:
            msgbox.warn(self, "备份", "请在“保存到”中选择备份保存的文件夹或U盘。")
            return None
        ok, passphrase = self._passphrase_for_backup()
        return (folder, passphrase) if ok else None

    def start_backup(self) -> None:
        request = self.backup_request()
        if request is None:
            return
        folder, passphrase = request
        db_path = self.db.path

        def work() -> BackupInfo:
            info = create_backup(db_path, folder, passphrase=passphrase)
            record_backup(db_path, info)
            return info

        self.backup_button.setEnabled(False)
        Operation(self, work, "正在备份并校验，请稍候…").run(self._backup_succeeded, self._failed)

    def _backup_succeeded(self, info: BackupInfo) -> None:
        self.backup_button.setEnabled(True)
        self.passphrase.clear()
        self.passphrase2.clear()
        text = f"备份完成并已校验：{info.path}"
        self.outcome.setText(text)
        self.refresh()
        self.backup_done.emit(self.last_backup_text())

    def _failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        message = explain(exc) or "发生意外错误，已保存的记录不受影响。"
        self.outcome.setText(f"未完成：{message}")
        msgbox.show_error(self, exc)  # the Chinese message, or the error report for the maintainer

    # --- verify, restore, merge ----------------------------------------------------------

    def _passphrase_for(self, path: Path) -> tuple[bool, str | None]:
        try:
            if not is_encrypted(path):
                return True, None
        except BranchBookError as exc:
            self._failed(exc)
            return False, None
        passphrase = self.ask_passphrase(path)
        return passphrase is not None, passphrase

    def verify(self, path: Path) -> None:
        ok, passphrase = self._passphrase_for(path)
        if not ok:
            return

        def shown(info: BackupInfo) -> None:
            self.outcome.setText("备份完好。\n" + info.describe())
            msgbox.inform(self, "校验备份", "备份完好。\n\n" + info.describe())

        Operation(self, lambda: verify_backup(path, passphrase), "正在校验备份…").run(shown, self._failed)

    def _selected(self) -> BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            msgbox.warn(self, "本机备份", "请先在列表中选择一个备份。")
            return None
        return self.model.entries[rows[0].row()]

    def verify_selected(self) -> None:
        """Check the selected backup completely and show the result in the 状态 column."""
        entry = self._selected()
        if entry is None:
            return
        ok, passphrase = self._passphrase_for(entry.path)
        if not ok:
            return

        def good(info: BackupInfo) -> None:
            self.model.set_status(entry, "完好")
            self.outcome.setText("备份完好。\n" + info.describe())

        def bad(exc: BaseException) -> None:
            if isinstance(exc, BranchBookError):
                self.model.set_status(entry, "已损坏")
            self._failed(exc)

        Operation(self, lambda: verify_backup(entry.path, passphrase), "正在校验备份…").run(good, bad)

    def restore_selected(self) -> None:
        entry = self._selected()
        if entry is not None:
            self.restore(entry.path)

    def restore(self, path: Path) -> None:
        """Check the backup, show what it holds, ask, then restore (the window reloads)."""
        self._check_then_ask(
            path, "从备份恢复", "恢复后，当前数据库将被这个备份替换（当前数据库会先自动保存一份安全副本）。确定要恢复吗？",
            "已取消恢复，数据库未改动。", "正在恢复，请稍候…",
            lambda checked: restore_database(self.db, path, checked=checked), self._restored)

    def _check_then_ask(self, path: Path, title: str, question: str, cancelled: str, busy: str,
                        act: Callable[[tuple[Path, BackupInfo]], T], done: Callable[[T], None]) -> None:
        """Extract and check the backup once (beside the database, so a restore is one rename),
        show what it holds and ask; ``act`` then works on that checked copy, which is removed
        at the end whatever happens."""
        ok, passphrase = self._passphrase_for(path)
        if not ok:
            return
        held = ExitStack()

        def check() -> tuple[Path, BackupInfo]:
            return held.enter_context(opened_backup(path, passphrase, work_dir=self.db.path.parent))

        def finished(result: T) -> None:
            held.close()
            done(result)

        def failed(exc: BaseException) -> None:
            held.close()
            self._failed(exc)

        def confirm(checked: tuple[Path, BackupInfo]) -> None:
            if (msgbox.ask(self, title, checked[1].describe() + "\n\n" + question) != QMessageBox.StandardButton.Yes
                    or not self.may_replace()):
                held.close()
                self.outcome.setText(cancelled)
                return
            Operation(self, lambda: act(checked), busy).run(finished, failed)

        Operation(self, check, "正在校验备份…").run(confirm, failed)

    def _restored(self, result: RestoreResult) -> None:
        self.outcome.setText(result.describe())
        self.refresh()
        msgbox.inform(self, "恢复完成", result.describe())
        self.database_replaced.emit()

    def merge(self, path: Path) -> None:
        self._check_then_ask(
            path, "合并备份", "把这个备份中的记录合并到当前数据库吗？（相同的记录不会重复添加）",
            "已取消合并，数据库未改动。", "正在合并，请稍候…",
            lambda checked: merge_checked(self.db, checked), self._merged)

    def merge_chosen_files(self) -> None:
        """合并其他支部的备份…: one backup or several chosen at once."""
        paths = self.choose_files("选择其他支部的备份文件（可按住 Ctrl 多选）")
        if len(paths) == 1:
            self.merge(paths[0])
        elif paths:
            self.merge_many(paths)

    def merge_folder(self) -> None:
        """合并文件夹中的备份…: every backup in a folder (a committee's USB stick)."""
        folder = self.choose_merge_folder()
        if folder is not None:
            self.merge_many([folder])

    def merge_many(self, paths: list[Path]) -> None:
        """Several backups (or folders of them): asked once, merged off the GUI thread, one summary."""
        self.merge_flow = MergeManyFlow(self, self.db, self.ask_passphrase, self._merged_many, self._failed)
        self.merge_flow.start(paths)

    def _merged_many(self, outcome: ManyOutcome) -> None:
        text = outcome.describe()
        self.outcome.setText(text)
        self.conflicts.refresh()
        if outcome.failed:
            msgbox.warn(self, "合并完成（部分备份未合并）", text)
        else:
            msgbox.inform(self, "合并完成", text)
        if outcome.changed:
            self.database_replaced.emit()

    def _merged(self, summary: MergeSummary) -> None:
        self.outcome.setText(summary.describe())
        self.conflicts.refresh()
        msgbox.inform(self, "合并完成", summary.describe())
        if summary.changed:
            self.database_replaced.emit()
