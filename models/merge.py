"""合并: add another branch's backup into this database (committee level).

* Rows are matched by their UUID (attendance and branch settings also by their natural
  key), so merging the same backup twice changes nothing.
* Foreign keys are compared and written through UUIDs: the other file's ids mean nothing
  here. A reference to a table merged later (a group's leader) is filled in at the end.
* The same record edited on two PCs (same UUID, different content): the newer
  ``updated_at`` wins; the other version is kept in the audit log (action MERGE).
* The other file's audit chain is not copied; one summary entry of ours is appended.
Everything happens in one transaction: a failure leaves this database unchanged.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from models.audit import record
from models.backup import BackupInfo, opened_backup
from models.db import Database, head_revision, open_database
from models.entities import Base
from models.enums import AuditAction
from models.errors import BranchBookError, sqlite_error_text

LABELS = {
    "branch": "党支部", "party_group": "党小组", "member": "党员", "member_status": "党籍状态记录",
    "member_exemption": "免于参加组织生活记录", "meeting": "会议", "agenda_item": "议题",
    "attendance": "出席记录", "guest": "列席人员", "study_note": "学习笔记", "attachment": "附件",
    "action_item": "落实事项", "branch_setting": "支部设置",
}
NATURAL_KEYS = {"attendance": ("meeting_id", "member_id"), "branch_setting": ("branch_id", "key")}
SKIPPED = {"audit_entry", "store_info", "tombstone", "merge_conflict"}  # not records: see 0003

Row = dict[str, Any]


@dataclass
class MergeSummary:
    source: str
    branches: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)  # theirs was newer
    kept: dict[str, int] = field(default_factory=dict)  # ours was newer; theirs logged

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def describe(self) -> str:
        def part(counts: dict[str, int]) -> str:
            return "，".join(f"{LABELS.get(t, t)} {n} 条" for t, n in counts.items()) or "无"

        lines = [f"合并备份“{self.source}”（党支部：{'、'.join(self.branches) or '无'}）"]
        if not self.changed and not self.kept:
            lines.append("没有新的或更新的记录，数据库未改动。")
            return "\n".join(lines)
        lines.append(f"新增：{part(self.added)}")
        lines.append(f"更新（对方版本较新）：{part(self.updated)}")
        if self.kept:
            lines.append(f"保留本机版本（本机较新，对方版本已记入操作日志）：{part(self.kept)}")
        return "\n".join(lines)


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED]


def _refs(table: Table) -> dict[str, str]:
    return {c.name: fk.column.table.name for c in table.columns for fk in c.foreign_keys}


def _uuid_maps(con: sqlite3.Connection, tables: list[Table]) -> dict[str, dict[int, str]]:
    return {t.name: dict(con.execute(f"SELECT id, uuid FROM {t.name}")) for t in tables}


def _rows(con: sqlite3.Connection, table: Table, cols: list[str], refs: dict[str, str],
          uuid_of: dict[str, dict[int, str]]) -> dict[str, Row]:
    """uuid → row with every foreign key replaced by the UUID it points at."""
    out: dict[str, Row] = {}
    for values in con.execute(f"SELECT id, {', '.join(cols)} FROM {table.name}"):
        row = dict(zip(["id", *cols], values, strict=True))
        for col, ref in refs.items():
            if row[col] is not None:
                row[col] = uuid_of[ref].get(row[col])
        out[row["uuid"]] = row
    return out


def _natural(table: str, row: Row) -> tuple[Any, ...] | None:
    key = NATURAL_KEYS.get(table)
    return tuple(row[k] for k in key) if key else None


def _loggable(row: Row) -> Row:
    return {k: (f"<{len(v)} 字节，sha256={hashlib.sha256(v).hexdigest()}>" if isinstance(v, bytes) else v)
            for k, v in row.items() if k != "id"}


def _digest(row: Row) -> str:
    return hashlib.sha256(repr(sorted(row.items())).encode("utf-8")).hexdigest()


class _Merger:
    def __init__(self, ours: sqlite3.Connection, theirs: sqlite3.Connection, source: str) -> None:
        self.ours, self.theirs = ours, theirs
        self.tables = _tables()
        self.their_uuid = _uuid_maps(theirs, self.tables)
        self.our_uuid = _uuid_maps(ours, self.tables)
        self.our_id = {t: {u: i for i, u in m.items()} for t, m in self.our_uuid.items()}
        self.summary = MergeSummary(source)
        self.conflicts: list[tuple[str, str, str, Row]] = []  # table, uuid, winner, loser
        self.deferred: list[tuple[str, str, str, str]] = []  # table, col, row uuid, ref uuid

    def run(self) -> MergeSummary:
        self.summary.branches = [r[0] for r in self.theirs.execute("SELECT name FROM branch ORDER BY id")]
        done: set[str] = set()
        for table in self.tables:
            self._merge_table(table, done)
            done.add(table.name)
        for name, col, row_uuid, ref_uuid in self.deferred:
            ref = _refs(next(t for t in self.tables if t.name == name))[col]
            self.ours.execute(f"UPDATE {name} SET {col} = ? WHERE uuid = ?",
                              (self.our_id[ref].get(ref_uuid), row_uuid))
        return self.summary

    def _already_logged(self, uuid: str, loser: Row) -> bool:
        """The same losing version was logged by an earlier merge (keeps merging idempotent)."""
        digest = _digest(loser)
        return any(digest in (d or "") for (d,) in self.ours.execute(
            "SELECT detail FROM audit_entry WHERE action = 'merge' AND entity_uuid = ?", (uuid,)))

    def _to_ids(self, name: str, row: Row, refs: dict[str, str], done: set[str]) -> Row:
        out = dict(row)
        for col, ref in refs.items():
            if row[col] is None:
                continue
            if ref not in done and ref != name:
                self.deferred.append((name, col, row["uuid"], row[col]))
                out[col] = None
            else:
                out[col] = self.our_id[ref].get(row[col])
        return out

    def _merge_table(self, table: Table, done: set[str]) -> None:
        name = table.name
        cols = [c.name for c in table.columns if c.name != "id"]
        refs = _refs(table)
        theirs = _rows(self.theirs, table, cols, refs, self.their_uuid)
        ours = _rows(self.ours, table, cols, refs, self.our_uuid)
        by_natural = {k: u for u, r in ours.items() if (k := _natural(name, r)) is not None}
        inserts: list[Row] = []
        for uuid, row in theirs.items():
            mine = ours.get(uuid)
            if mine is None and (key := _natural(name, row)) is not None and key in by_natural:
                mine = ours[by_natural[key]]
            if mine is None:
                inserts.append(self._to_ids(name, row, refs, done))
                continue
            a = {k: v for k, v in row.items() if k not in ("id", "uuid")}
            b = {k: v for k, v in mine.items() if k not in ("id", "uuid")}
            if a == b:
                continue
            if (row["updated_at"] or "") > (mine["updated_at"] or ""):
                values = self._to_ids(name, {**row, "uuid": mine["uuid"]}, refs, done)
                sets = [c for c in cols if c != "uuid"]
                self.ours.execute(f"UPDATE {name} SET {', '.join(f'{c} = ?' for c in sets)} WHERE id = ?",
                                  [*(values[c] for c in sets), mine["id"]])
                self.summary.updated[name] = self.summary.updated.get(name, 0) + 1
                self.conflicts.append((name, mine["uuid"], "theirs", _loggable(mine)))
            elif not self._already_logged(mine["uuid"], _loggable(row)):
                self.summary.kept[name] = self.summary.kept.get(name, 0) + 1
                self.conflicts.append((name, mine["uuid"], "ours", _loggable(row)))
        if inserts:
            self.ours.executemany(
                f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [[r[c] for c in cols] for r in inserts])
            self.summary.added[name] = len(inserts)
            self.our_id[name] = {u: i for i, u in self.ours.execute(f"SELECT id, uuid FROM {name}")}
            self.our_uuid[name] = {i: u for u, i in self.our_id[name].items()}


def merge_file(db: Database, other: Path, source_name: str) -> MergeSummary:
    """Merge the BranchBook database file ``other`` (same schema revision) into ``db``."""
    theirs = sqlite3.connect(f"{other.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _merge(db, theirs, source_name)
    except sqlite3.Error as exc:
        raise BranchBookError(f"合并“{source_name}”时出错（{sqlite_error_text(exc)}），合并已撤销，数据库未改动。") from exc
    finally:
        theirs.close()


def _merge(db: Database, theirs: sqlite3.Connection, source_name: str) -> MergeSummary:
    with db.transaction() as session:
        ours = session.connection().connection.driver_connection
        assert isinstance(ours, sqlite3.Connection)
        merger = _Merger(ours, theirs, source_name)
        summary = merger.run()
        problems = ours.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise BranchBookError(f"合并后发现 {len(problems)} 处数据关联错误，合并已撤销，数据库未改动。")
        for table, uuid, winner, loser in merger.conflicts:
            kept = "对方的较新版本" if winner == "theirs" else "本机的较新版本"
            record(session, AuditAction.MERGE, table, entity_uuid=uuid,
                   summary=f"合并冲突：{LABELS.get(table, table)}在两台电脑上都被修改，保留{kept}",
                   detail={"source": source_name, "kept": winner, "other_version": loser,
                           "other_digest": _digest(loser)})
        if summary.changed or merger.conflicts:
            their_audit = theirs.execute("SELECT count(*) FROM audit_entry").fetchone()
            record(session, AuditAction.MERGE, "database", summary=summary.describe(),
                   detail={"source": source_name, "added": summary.added, "updated": summary.updated,
                           "kept": summary.kept, "their_audit_entries": their_audit[0]})
    return summary


def merge_backup(db: Database, backup: Path, passphrase: str | None = None) -> MergeSummary:
    """Verify ``backup``, bring it to our schema revision (in its temporary copy), merge it."""
    with opened_backup(backup, passphrase) as checked:
        return merge_checked(db, checked)


def merge_checked(db: Database, checked: tuple[Path, BackupInfo]) -> MergeSummary:
    """Merge a backup already extracted and checked by :func:`models.backup.opened_backup`."""
    extracted, info = checked
    if info.manifest.revision != head_revision():
        open_database(extracted).close()  # upgrades the temporary copy only
    return merge_file(db, extracted, info.path.name)
