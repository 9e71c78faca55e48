"""Merging several backups at once (a 党委 collecting its branches' USB sticks, issue 14).

Each backup is verified and merged **in its own transaction**: a damaged backup (or a wrong
passphrase) on one stick does not throw away the others' work, and merging is idempotent, so
the failed ones are simply merged again once fixed. One transaction for all would make one
bad file undo every good one, and hold the write lock for the whole run.

Each backup is extracted and checked (PRAGMA integrity_check) on a second thread while the
previous one, then the backup itself, is merged; its transaction commits only once its check
has passed (:mod:`models.merge_checks`). SQLite and hashing release the GIL, so on two cores
the checking costs almost no extra time. At most two extracted copies exist at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from models.branches import same_name_branches
from models.db import Database
from models.errors import BranchBookError, explain
from models.merge import merge_checked
from models.merge_checks import BackupChecks, PassphraseFor, backups_to_merge
from models.merge_summary import MergeSummary

__all__ = ["FileOutcome", "FileResult", "ManyOutcome", "PassphraseFor", "backups_to_merge", "merge_many"]

#: progress(done, total, the backup being worked on)
Progress = Callable[[int, int, str], None]


class FileResult(Enum):
    MERGED = "已合并"
    UNCHANGED = "无新记录（此前已合并过）"
    SKIPPED = "已跳过"
    FAILED = "未合并"


@dataclass
class FileOutcome:
    path: Path
    result: FileResult
    summary: MergeSummary | None = None
    error: str = ""  # why it failed, in Chinese
    same_name: list[str] = field(default_factory=list)  # its branches that share a name with another

    def line(self) -> str:
        text = f"“{self.path.name}”：{self.result.value}"
        if self.summary is not None and self.summary.branches:
            text += f"（党支部：{'、'.join(self.summary.branches)}）"
        if self.error:
            text += f"——{self.error}"
        if self.same_name:
            text += f"。同名党支部：{'、'.join(self.same_name)}"
        return text


@dataclass
class ManyOutcome:
    files: list[FileOutcome]
    twins: dict[str, list[int]]  # same-name branches in the database afterwards

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.result is FileResult.FAILED]

    @property
    def changed(self) -> bool:
        return any(f.summary is not None and f.summary.changed for f in self.files)

    def headline(self) -> str:
        counts = {r: sum(f.result is r for f in self.files) for r in FileResult}
        merged = counts[FileResult.MERGED] + counts[FileResult.UNCHANGED]
        text = f"共 {len(self.files)} 个备份：合并成功 {merged} 个，失败 {counts[FileResult.FAILED]} 个。"
        if counts[FileResult.SKIPPED]:
            text += f"跳过 {counts[FileResult.SKIPPED]} 个。"
        if counts[FileResult.UNCHANGED]:
            text += f"其中 {counts[FileResult.UNCHANGED]} 个没有新的或更新的记录（此前已合并过）。"
        return text

    def describe(self) -> str:
        """One summary: a line per backup, then what needs attention."""
        from models.branches import same_name_text

        lines = [self.headline(), *(f.line() for f in self.files)]
        if self.twins:
            lines.append(same_name_text(self.twins))
        if self.failed:
            lines.append("未合并的备份不影响其他备份；处理好后可再次合并（已合并的记录不会重复）。")
        return "\n".join(lines)


def _reason(exc: BaseException, path: Path) -> str:
    if isinstance(exc, BranchBookError):
        return exc.message
    return explain(exc) or f"读取“{path.name}”时出错，未合并。"


def merge_many(db: Database, files: Sequence[Path], passphrase_for: PassphraseFor | None = None,
               progress: Progress | None = None,
               on_merged: Callable[[FileOutcome], None] | None = None,
               skipped: Mapping[Path, str] | None = None, checks: BackupChecks | None = None) -> ManyOutcome:
    """Verify and merge ``files`` in order, each in its own transaction; never raises for one
    bad backup (its outcome says why). ``on_merged``: called after each backup, in order.
    ``skipped``: files not to open, with the reason (an encrypted one whose passphrase was
    not given), listed in the summary. ``checks``: their extraction and check, already
    started (by the command line, before it loaded the merge); by default started here."""
    left_out = dict(skipped or {})
    place = {p: n for n, p in enumerate([*files, *left_out])}
    files = [f for f in files if f not in left_out]
    outcomes: list[FileOutcome] = [FileOutcome(p, FileResult.SKIPPED, error=why) for p, why in left_out.items()]
    if checks is None:
        checks = BackupChecks(files, passphrase_for)
    elif checks.files != files:
        raise ValueError("checks were started for other files")
    with checks:
        for n, path in enumerate(files):
            if progress is not None:
                progress(n, len(files), path.name)
            outcome = _merge_one(db, path, checks, n)
            outcomes.append(outcome)
            if on_merged is not None:
                on_merged(outcome)
    if progress is not None:
        progress(len(files), len(files), "")
    with db.reading() as session:
        twins = same_name_branches(session)
    outcomes.sort(key=lambda o: place[o.path])
    for outcome in outcomes:
        if outcome.summary is not None:
            outcome.same_name = [b for b in outcome.summary.branches if b in twins]
    return ManyOutcome(outcomes, twins)


def _merge_one(db: Database, path: Path, checks: BackupChecks, n: int) -> FileOutcome:
    """Backup ``n`` merged while its check runs; committed only once the check has passed."""
    try:
        try:
            summary = merge_checked(db, checks.extracted(n), prepared=True, verified=lambda: checks.verified(n))
        except (BranchBookError, OSError, sqlite3.Error) as exc:
            # a damaged backup may also fail the merge's reading: its check says best what is wrong
            found = checks.check_error(n)
            return FileOutcome(path, FileResult.FAILED, error=_reason(found if found is not None else exc, path))
    finally:
        checks.release(n)  # the extracted copy goes as soon as it is merged
    return FileOutcome(path, FileResult.MERGED if summary.changed or summary.kept else FileResult.UNCHANGED, summary)
