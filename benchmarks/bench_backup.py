"""Backups of the 10-year demo database: our verified backup against a bare SQLite backup.

Ours = snapshot with the backup API + integrity check + counts + SHA-256 + container written,
fsynced, read back and compared, renamed into place (and, for the second measure, a full
``verify_backup``: extract to a temp file, check the checksum and the database again).
The floor is ``sqlite3.Connection.backup`` into a file and nothing else. Target ≤ 3×.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from benchmarks.common import BenchContext, Measure
from models.backup import create_backup, verify_backup


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def measures(ctx: BenchContext) -> list[Measure]:
    source = ctx.tmp / "backup-source.sqlite3"
    con = sqlite3.connect(ctx.db_path)
    try:
        target = sqlite3.connect(source)
        con.backup(target)
        target.close()
    finally:
        con.close()
    out = ctx.tmp / "backup-out"

    def bare_backup() -> None:
        dest = _fresh(out) / "bare.sqlite3"
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(dest)
            src.backup(dst)
            dst.close()
        finally:
            src.close()

    def bare_backup_and_check() -> None:
        """The issue's floor for backup + verify: SQLite's backup, then quick_check of the copy."""
        bare_backup()
        dst = sqlite3.connect(out / "bare.sqlite3")
        try:
            assert dst.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            dst.close()

    def ours_backup() -> object:
        return create_backup(source, _fresh(out))

    def ours_backup_and_verify() -> object:
        return verify_backup(create_backup(source, _fresh(out)).path)

    def ours_encrypted() -> object:
        return create_backup(source, _fresh(out), passphrase="benchmark-passphrase")

    return [
        Measure("backup (verified .bbk) vs bare sqlite3 backup", ours_backup, bare_backup, "≤ 3×"),
        Measure("backup + verify vs bare sqlite3 backup + quick_check", ours_backup_and_verify,
                bare_backup_and_check, "≤ 3×"),
        Measure("encrypted backup vs bare sqlite3 backup", ours_encrypted, bare_backup, "≤ 4×"),
    ]
