"""Merging several backups chosen in the window (or a folder of them) — the 党委's USB sticks
in one go: passphrases asked first, one question, the work off the GUI thread with a progress
bar, then one summary (per backup: 已合并 / 无新记录 / 已跳过 / 未合并 and why; 同名党支部 flagged).

The records are merged by :func:`models.merge_many.merge_many` (each backup in its own
transaction); this module only asks and shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from models.backup import is_encrypted
from models.db import Database
from models.errors import BranchBookError
from models.merge_many import ManyOutcome, backups_to_merge, merge_many
from ui import msgbox
from ui.operations import Operation

SHOWN_NAMES = 8  # the question lists this many file names, then "等"


class MergeManyFlow:
    """One run: ``start(paths)``; ``done(outcome)`` is called on the GUI thread at the end."""

    def __init__(self, parent: QWidget, db: Database, ask_passphrase: Callable[[Path], str | None],
                 done: Callable[[ManyOutcome], None], failed: Callable[[BaseException], None]) -> None:
        self.parent, self.db = parent, db
        self.ask_passphrase, self.done, self.failed = ask_passphrase, done, failed
        self.progress: list[tuple[int, int, str]] = []  # what the progress bar showed

    def start(self, chosen: list[Path]) -> bool:
        """Ask, then merge in the background; False when nothing was started."""
        try:
            files = backups_to_merge(chosen)
        except BranchBookError as exc:
            msgbox.warn(self.parent, "合并备份", exc.message)
            return False
        passphrases: dict[Path, str | None] = {}
        skipped: dict[Path, str] = {}
        for path in files:
            try:
                encrypted = is_encrypted(path)
            except BranchBookError as exc:
                skipped[path] = exc.message
                continue
            if encrypted:
                given = self.ask_passphrase(path)
                if given is None:
                    skipped[path] = "备份已加密，没有输入密码，未合并"
                    continue
                passphrases[path] = given
        names = "、".join(f"“{p.name}”" for p in files[:SHOWN_NAMES]) + ("等" if len(files) > SHOWN_NAMES else "")
        question = (f"把这 {len(files)} 个备份中的记录合并到当前数据库吗？\n{names}\n\n"
                    "每个备份先校验再合并，各自独立：一个备份有问题，不影响其他备份。相同的记录不会重复添加。")
        if skipped:
            question += f"\n其中 {len(skipped)} 个将被跳过（见合并结果）。"
        if msgbox.ask(self.parent, "合并多个备份", question) != QMessageBox.StandardButton.Yes:
            return False
        db = self.db

        def report(n: int, total: int, name: str) -> None:  # on the worker thread
            operation.report(n, total, f"第 {min(n + 1, total)}/{total} 个：{name}" if name else "正在完成…")

        def work() -> ManyOutcome:
            return merge_many(db, files, passphrases.get, progress=report, skipped=skipped)

        operation = Operation(self.parent, work, "正在校验并合并备份…")
        operation.run(self.done, self.failed, on_progress=lambda *step: self.progress.append(step))
        return True
