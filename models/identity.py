"""Which database a file or a backup is: the ``database_uuid`` stamped at creation (0003).

Retention, the start-up recovery offer and the backup list pair a database only with its
own backups: a backup carries the identity of the database it came from in its manifest
(and, for an encrypted backup, in the authenticated outer header). A backup made before
identities existed is matched by the file name of its source database only — a fallback
that never pairs two databases that both have an identity.

Across a restore the identity of the *path* wins: restoring a backup of the same database
keeps its uuid anyway; restoring another database's backup into this path gives the
restored file this path's uuid (see :mod:`models.restore` for why), so two live files
never share one identity and this path's history of backups and audit anchors continues.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from models.db import readonly_uri

UUID_KEY = "database_uuid"


@dataclass(frozen=True)
class AuditHead:
    """The last entry of the audit chain: its id and hash (the anchor kept outside the file)."""

    id: int
    hash: str

    def as_dict(self) -> dict[str, int | str]:
        return {"id": self.id, "hash": self.hash}


def _connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(readonly_uri(path), uri=True, timeout=5)


def uuid_in(con: sqlite3.Connection) -> str:
    """The database_uuid of an open SQLite connection ('' before 0003 or when unreadable)."""
    try:
        row = con.execute("SELECT value FROM store_info WHERE key = ?", (UUID_KEY,)).fetchone()
    except sqlite3.Error:
        return ""
    return str(row[0]) if row and row[0] else ""


def audit_head_in(con: sqlite3.Connection) -> AuditHead | None:
    try:
        row = con.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return AuditHead(int(row[0]), str(row[1])) if row else None


def read_database_uuid(path: Path) -> str:
    """The identity stamped in the file at ``path`` ('' when absent, unreadable or damaged)."""
    if not path.is_file() or path.stat().st_size == 0:
        return ""
    try:
        con = _connect_ro(path)
    except sqlite3.Error:
        return ""
    try:
        return uuid_in(con)
    finally:
        con.close()


def belongs(db_uuid: str, db_name: str, backup_uuid: str, backup_source: str) -> bool:
    """True when a backup (its identity and source file name) was taken from this database.

    Both identities known: they must be equal. A backup without identity (made before 0003):
    its source file name must equal the database's file name. A database whose identity
    cannot be read (damaged, no history): only backups of the same file name whose identity
    is unknown too are never crossed with a known different one — the name decides."""
    if backup_uuid and db_uuid:
        return backup_uuid == db_uuid
    return bool(backup_source) and backup_source == db_name
