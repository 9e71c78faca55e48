"""The backups of a many-file merge, extracted and checked on a second thread (issue 14).

For each backup, in order, one worker thread first extracts it (every byte proven by the
manifest's SHA-256, or the GCM tags of an encrypted one), then runs SQLite's integrity_check
on the extracted copy. The merge of a backup starts as soon as it is extracted and reads it
inside its own transaction while the check runs; it commits only once the check has passed,
and rolls back otherwise — so a damaged backup still changes nothing, and the check costs no
time on the merging thread (SQLite and hashing release the GIL: on two cores both run at
once). The next backup is extracted only when the merge of this one starts: at most two
extracted copies exist at once.

A backup of an older schema revision is the exception: it is checked, then brought to our
revision (its copy is written), before it is merged.

This module imports neither SQLAlchemy nor the merge itself, so that the command line can
start the first backup's check before it loads them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from pathlib import Path
from typing import Self

from models.backup import BackupInfo, check_extracted, extracted_backup
from models.db import head_revision
from models.errors import BranchBookError

#: the passphrase of an encrypted backup (None: not encrypted, or not known)
PassphraseFor = Callable[[Path], str | None]
Extracted = tuple[Path, BackupInfo]


def backups_to_merge(items: Sequence[Path]) -> list[Path]:
    """The backup files named, a folder standing for the .bbk files in it (each once)."""
    from models.backup_format import EXTENSION
    from models.errors import require_file

    found: list[Path] = []
    for item in items:
        if item.is_dir():
            inside = sorted(p for p in item.iterdir() if p.suffix.lower() == EXTENSION and p.is_file())
            if not inside:
                raise BranchBookError(f"“{item}”是一个文件夹，其中没有备份文件（{EXTENSION}）。"
                                      "请指定备份文件，或放有备份的文件夹。", field="file")
            found += inside
        else:
            require_file(item, "备份文件", "请检查路径。")
            found.append(item)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


class BackupChecks:
    """Extraction and check of ``files`` on one worker thread, one step ahead of the merge.
    Use as a context manager (the worker stops and every extracted copy goes on exit)."""

    def __init__(self, files: Sequence[Path], passphrase_for: PassphraseFor | None = None) -> None:
        self.files = list(files)
        self._ask = passphrase_for or (lambda _path: None)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bbk-check")
        self._stacks = [ExitStack() for _ in self.files]
        self._extracted: dict[int, Future[tuple[Path, BackupInfo, bool]]] = {}
        self._checked: dict[int, Future[None]] = {}
        self.start(0)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start(self, n: int) -> None:
        """Queue backup ``n``'s extraction and check (once)."""
        if n < len(self.files) and n not in self._extracted:
            self._extracted[n] = self._pool.submit(self._extract, n)
            self._checked[n] = self._pool.submit(self._check, n)

    def extracted(self, n: int) -> Extracted:
        """Backup ``n``'s extracted copy (waits for it; raises what went wrong), and starts
        the next one's extraction behind this one's check."""
        self.start(n)
        try:
            path, info, _checked_already = self._extracted[n].result()
        finally:
            self.start(n + 1)
        return path, info

    def verified(self, n: int) -> None:
        """Wait for backup ``n``'s check; raises :class:`~models.backup_format.BackupFileError`
        (or what reading the file raised) when it failed."""
        self.start(n)
        self._checked[n].result()

    def check_error(self, n: int) -> BaseException | None:
        """Why backup ``n`` failed its check (waits for it), or None."""
        future = self._checked.get(n)
        if future is None:
            return None
        wait([future])
        return None if future.cancelled() else future.exception()

    def release(self, n: int) -> None:
        """Remove backup ``n``'s extracted copy (once its check no longer reads it)."""
        if n in self._checked:
            wait([self._checked[n]])
        self._stacks[n].close()

    def close(self) -> None:
        for pending in (self._extracted, self._checked):
            for future in pending.values():
                future.cancel()
        self._pool.shutdown(wait=True)
        for stack in self._stacks:
            stack.close()

    def _extract(self, n: int) -> tuple[Path, BackupInfo, bool]:
        path = self.files[n]
        extracted, info = self._stacks[n].enter_context(extracted_backup(path, self._ask(path)))
        if info.manifest.revision == head_revision():
            return extracted, info, False
        # an older backup's copy is written (migrated) before the merge: check it first
        from models.db import open_database

        check_extracted(extracted, info)
        open_database(extracted).close()
        return extracted, info, True

    def _check(self, n: int) -> None:
        extracted, info, checked_already = self._extracted[n].result()  # its extraction's error, if any
        if not checked_already:
            check_extracted(extracted, info)
