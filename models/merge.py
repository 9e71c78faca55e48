"""合并: add another branch's backup into this database (committee level).

* Rows are matched by their UUID (attendance and branch settings also by their natural
  key), so merging the same backup twice changes nothing.
* Foreign keys are compared and written through UUIDs: the other file's ids mean nothing
  here. A reference to a table merged later (a group's leader) is filled in at the end.
* The same record edited on two PCs (same UUID, different content): the newer
  ``updated_at`` wins; the other version is kept in the audit log (action MERGE).
* A meeting that is 定稿 here is never replaced, changed or deleted by a merge (nor are its
  attendance, agenda, guests, actions, attachments): a different version from the other
  side is kept beside it as a :class:`~models.entities.MergeConflict` (where it came from,
  and the whole other version as JSON) for the secretary to resolve, and the audit log and
  the summary say so.
* Deletions travel: the other side's tombstones are copied and applied (except to a 定稿
  meeting here: a conflict); a record tombstoned on either side is never brought back, nor
  is a child of one.
* Same-name branches and members sharing an ID number after the merge are reported.
* The other file's audit chain is not copied; one summary entry of ours is appended.
Everything happens in one transaction: a failure leaves this database unchanged.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from models.audit import record
from models.backup import BackupInfo, opened_backup
from models.db import Database, head_revision, open_database
from models.entities import Base, new_uuid, utcnow
from models.enums import AuditAction
from models.errors import BranchBookError, sqlite_error_text
from models.validation import mask_id_number

LABELS = {
    "branch": "党支部", "party_group": "党小组", "member": "党员", "member_status": "党籍状态记录",
    "member_exemption": "免于参加组织生活记录", "meeting": "会议", "agenda_item": "议题",
    "attendance": "出席记录", "guest": "列席人员", "study_note": "学习笔记", "attachment": "附件",
    "action_item": "落实事项", "branch_setting": "支部设置", "office_term": "任职记录",
    "group_membership": "党小组成员记录",
}
NATURAL_KEYS = {"attendance": ("meeting_id", "member_id"), "branch_setting": ("branch_id", "key")}
#: the parts of a meeting that its 定稿 covers (rows with ``meeting_id``)
MEETING_PARTS = ("attendance", "agenda_item", "guest", "action_item", "attachment")
FINAL = "final"
_NOT_CONTENT = {"id", "created_at", "updated_at", "finalized_at", "meeting_id"}
SKIPPED = {"audit_entry", "store_info", "tombstone", "merge_conflict", "recycled_item"}  # not records: see 0003, 0004r

Row = dict[str, Any]


@dataclass
class MergeSummary:
    source: str
    branches: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)  # theirs was newer
    kept: dict[str, int] = field(default_factory=dict)  # ours was newer; theirs logged
    deleted: dict[str, int] = field(default_factory=dict)  # deleted on the other side
    conflicts: list[str] = field(default_factory=list)  # 定稿 meetings kept; their version set aside
    notes: list[str] = field(default_factory=list)  # same-name branches, repeated ID numbers

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted or self.conflicts)

    def describe(self) -> str:
        def part(counts: dict[str, int]) -> str:
            return "，".join(f"{LABELS.get(t, t)} {n} 条" for t, n in counts.items()) or "无"

        lines = [f"合并备份“{self.source}”（党支部：{'、'.join(self.branches) or '无'}）"]
        if not self.changed and not self.kept:
            lines.append("没有新的或更新的记录，数据库未改动。")
        else:
            lines.append(f"新增：{part(self.added)}")
            lines.append(f"更新（对方版本较新）：{part(self.updated)}")
            if self.deleted:
                lines.append(f"删除（对方已删除）：{part(self.deleted)}")
            if self.kept:
                lines.append(f"保留本机版本（本机较新，对方版本已记入操作日志）：{part(self.kept)}")
        if self.conflicts:
            lines.append(f"有 {len(self.conflicts)} 条合并冲突：已定稿的会议"
                         f"{'、'.join(f'“{t}”' for t in self.conflicts[:5])}{'等' if len(self.conflicts) > 5 else ''}"
                         "在对方备份中是另一版本。本机的定稿未被改动，对方版本已另存，"
                         "请在“备份与恢复”页的“合并冲突”中查看并处理。")
        lines += [f"请注意：{n}" for n in self.notes]
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


def _tombstones(con: sqlite3.Connection) -> dict[str, tuple[str, str, str]]:
    """uuid → (entity, branch uuid, deleted at) of a file's tombstones."""
    return {u: (e, b, str(d)) for u, e, b, d in
            con.execute("SELECT uuid, entity, branch_uuid, deleted_at FROM tombstone")}


class _Merger:
    def __init__(self, ours: sqlite3.Connection, theirs: sqlite3.Connection, source: str,
                 origin: str = "") -> None:
        self.ours, self.theirs = ours, theirs
        self.origin = origin or f"备份“{source}”"
        self.tables = _tables()
        self.their_uuid = _uuid_maps(theirs, self.tables)
        self.our_uuid = _uuid_maps(ours, self.tables)
        self.our_id = {t: {u: i for i, u in m.items()} for t, m in self.our_uuid.items()}
        self.summary = MergeSummary(source)
        self.conflicts: list[tuple[str, str, str, Row]] = []  # table, uuid, winner, loser
        self.final_conflicts: list[tuple[int, str, str]] = []  # our meeting id, title, payload
        self.deferred: list[tuple[str, str, str, str]] = []  # table, col, row uuid, ref uuid
        self.our_tombs = _tombstones(ours)
        self.their_tombs = _tombstones(theirs)
        self.dropped: set[str] = set(self.our_tombs) | set(self.their_tombs)  # never merged (back)
        self.kept_in_use = 0
        self.final_here = {u for (u,) in ours.execute("SELECT uuid FROM meeting WHERE status = ?", (FINAL,))}

    def run(self) -> MergeSummary:
        self.summary.branches = [r[0] for r in self.theirs.execute("SELECT name FROM branch ORDER BY id")]
        self._guard_final_meetings()
        self._apply_tombstones()
        done: set[str] = set()
        for table in self.tables:
            self._merge_table(table, done)
            done.add(table.name)
        for name, col, row_uuid, ref_uuid in self.deferred:
            ref = _refs(next(t for t in self.tables if t.name == name))[col]
            self.ours.execute(f"UPDATE {name} SET {col} = ? WHERE uuid = ?",
                              (self.our_id[ref].get(ref_uuid), row_uuid))
        self.summary.notes += _duplicate_notes(self.ours)
        return self.summary

    # --- 定稿 meetings ----------------------------------------------------------------------

    def _meeting_version(self, con: sqlite3.Connection, meeting_uuid: str) -> Row | None:
        """A meeting with its parts as plain data (ids replaced by uuids/names): what a
        conflict keeps, and what two sides are compared on."""
        row = con.execute("SELECT * FROM meeting WHERE uuid = ?", (meeting_uuid,)).fetchone()
        if row is None:
            return None
        cols = [d[0] for d in con.execute("SELECT * FROM meeting LIMIT 0").description]
        meeting = dict(zip(cols, row, strict=True))
        version: Row = {k: v for k, v in meeting.items() if k not in _NOT_CONTENT and not k.endswith("_id")}
        group = con.execute("SELECT name FROM party_group WHERE id = ?", (meeting["group_id"],)).fetchone()
        version["group"] = group[0] if group else None
        for part in MEETING_PARTS:
            cur = con.execute(f"SELECT * FROM {part} WHERE meeting_id = ? ORDER BY uuid", (meeting["id"],))
            names = [d[0] for d in cur.description]
            rows = []
            for values in cur.fetchall():
                item = {k: v for k, v in zip(names, values, strict=True) if k not in _NOT_CONTENT}
                if "member_id" in item:
                    member = con.execute("SELECT uuid, name FROM member WHERE id = ?",
                                         (item.pop("member_id"),)).fetchone()
                    item["member_uuid"], item["member_name"] = member if member else (None, None)
                if "data" in item:
                    item.pop("data")  # the bytes stay in the other backup; the sha256 names them
                rows.append(item)
            version[part] = rows
        return version

    def _set_aside(self, meeting_uuid: str, theirs: Row) -> None:
        """Keep the other side's version of a meeting that is 定稿 here, once per version."""
        payload = json.dumps(theirs, ensure_ascii=False, sort_keys=True, default=str)
        our_id = self.our_id["meeting"][meeting_uuid]
        known = {p for (p,) in self.ours.execute(
            "SELECT payload FROM merge_conflict WHERE meeting_id = ?", (our_id,))}
        if payload in known:
            return  # set aside by an earlier merge of the same backup: merging stays idempotent
        title = self.ours.execute("SELECT title FROM meeting WHERE id = ?", (our_id,)).fetchone()[0]
        now = utcnow()
        self.ours.execute(
            "INSERT INTO merge_conflict (meeting_id, source, payload, resolved_at, resolution, uuid, "
            "created_at, updated_at) VALUES (?, ?, ?, NULL, '', ?, ?, ?)",
            (our_id, self.origin, payload, new_uuid(), now, now))
        self.final_conflicts.append((our_id, title, payload))
        self.summary.conflicts.append(title)

    def _guard_final_meetings(self) -> None:
        """Their different version of a meeting 定稿 here: set aside, never merged over it."""
        for meeting_uuid in sorted(self.final_here):
            if meeting_uuid in self.their_tombs or meeting_uuid not in self.their_uuid["meeting"].values():
                continue
            theirs = self._meeting_version(self.theirs, meeting_uuid)
            ours = self._meeting_version(self.ours, meeting_uuid)
            if theirs is not None and theirs != ours:
                self._set_aside(meeting_uuid, theirs)

    def _protected(self, table: str, row: Row) -> bool:
        """True for a row of a meeting 定稿 here (the meeting itself or one of its parts)."""
        if table == "meeting":
            return row["uuid"] in self.final_here
        return table in MEETING_PARTS and row.get("meeting_id") in self.final_here

    # --- deletions ------------------------------------------------------------------------

    def _still_used(self, entity: str, uuid: str) -> bool:
        """A member with attendance here, or a group with members here, is not deleted by a merge."""
        used = {"member": "SELECT 1 FROM attendance a JOIN member m ON m.id = a.member_id WHERE m.uuid = ?",
                "party_group": "SELECT 1 FROM member m JOIN party_group g ON g.id = m.group_id WHERE g.uuid = ?"}
        query = used.get(entity)
        return query is not None and self.ours.execute(query + " LIMIT 1", (uuid,)).fetchone() is not None

    def _apply_tombstones(self) -> None:
        tables = {t.name: t for t in self.tables}
        for uuid, (entity, branch_uuid, deleted_at) in sorted(self.their_tombs.items()):
            if uuid in self.our_tombs:
                continue
            if entity == "meeting" and uuid in self.final_here:
                self._set_aside(uuid, {"deleted": True, "deleted_at": deleted_at,
                                       "note": "对方已删除这次会议"})
                continue  # the 定稿 meeting stays; the tombstone is not taken over
            if self._still_used(entity, uuid):
                self.kept_in_use += 1
                continue  # deleting it here would take records made here with it
            if entity in MEETING_PARTS and entity in tables:
                parent = self.ours.execute(f"SELECT m.uuid FROM {entity} p JOIN meeting m ON m.id = p.meeting_id "
                                           "WHERE p.uuid = ?", (uuid,)).fetchone()
                if parent and parent[0] in self.final_here:
                    continue  # part of a 定稿 meeting here: its conflict shows the other version
            self.ours.execute("INSERT INTO tombstone (uuid, entity, branch_uuid, deleted_at) VALUES (?, ?, ?, ?)",
                              (uuid, entity, branch_uuid, deleted_at))
            if entity in tables and uuid in self.our_id.get(entity, {}):
                self.ours.execute(f"DELETE FROM {entity} WHERE uuid = ?", (uuid,))
                self.summary.deleted[entity] = self.summary.deleted.get(entity, 0) + 1
        if self.kept_in_use:
            self.summary.notes.append(f"对方删除的 {self.kept_in_use} 条记录（党员或党小组）在本机仍有出席记录或党员，"
                                      "已保留未删除。")
        # ids may have gone (cascades): read the maps again
        self.our_uuid = _uuid_maps(self.ours, self.tables)
        self.our_id = {t: {u: i for i, u in m.items()} for t, m in self.our_uuid.items()}

    # --- rows -----------------------------------------------------------------------------

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

    def _drop_orphans(self, table: Table, row: Row, refs: dict[str, str]) -> bool:
        """Clear references to dropped (tombstoned) records; True when a required one is gone."""
        for col in refs:
            if row[col] is not None and row[col] in self.dropped:
                if not table.columns[col].nullable:
                    return True
                row[col] = None
        return False

    def _merge_table(self, table: Table, done: set[str]) -> None:
        name = table.name
        cols = [c.name for c in table.columns if c.name != "id"]
        refs = _refs(table)
        theirs = _rows(self.theirs, table, cols, refs, self.their_uuid)
        ours = _rows(self.ours, table, cols, refs, self.our_uuid)
        by_natural = {k: u for u, r in ours.items() if (k := _natural(name, r)) is not None}
        inserts: list[Row] = []
        for uuid, row in theirs.items():
            if uuid in self.dropped or self._drop_orphans(table, row, refs):
                self.dropped.add(uuid)  # deleted on one side: never (re)created, nor its children
                continue
            if self._protected(name, row):
                continue  # 定稿 here: their version, if different, was set aside
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


def _duplicate_notes(con: sqlite3.Connection) -> list[str]:
    """Same-name branches and members of them sharing an ID number, after the merge."""
    notes = [f"数据库中现有 {n} 个同名党支部“{name}”（可能是同一支部在两台电脑上各建了一次），"
             "统计会分开计算，请核对。"
             for name, n in con.execute("SELECT name, count(*) FROM branch GROUP BY name HAVING count(*) > 1")]
    rows = con.execute(
        "SELECT b.name, m.id_number, count(*) FROM member m JOIN branch b ON b.id = m.branch_id "
        "WHERE m.id_number <> '' GROUP BY b.name, m.id_number HAVING count(*) > 1 ORDER BY 1, 2").fetchall()
    if rows:
        shown = "；".join(f"{mask_id_number(number)}（{n} 人）" for _b, number, n in rows[:5])
        notes.append(f"有 {len(rows)} 个身份证号在同一（同名）党支部中重复出现，多出 "
                     f"{sum(n - 1 for _b, _i, n in rows)} 名党员：{shown}{'等' if len(rows) > 5 else ''}。"
                     "请在党员名册中核对并删除重复的党员。")
    return notes


def merge_file(db: Database, other: Path, source_name: str, origin: str = "") -> MergeSummary:
    """Merge the BranchBook database file ``other`` (same schema revision) into ``db``;
    ``origin`` describes where it came from (kept with any conflict)."""
    theirs = sqlite3.connect(f"{other.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _merge(db, theirs, source_name, origin)
    except sqlite3.Error as exc:
        raise BranchBookError(f"合并“{source_name}”时出错（{sqlite_error_text(exc)}），合并已撤销，数据库未改动。") from exc
    finally:
        theirs.close()


def _merge(db: Database, theirs: sqlite3.Connection, source_name: str, origin: str = "") -> MergeSummary:
    with db.transaction() as session:
        ours = session.connection().connection.driver_connection
        assert isinstance(ours, sqlite3.Connection)
        merger = _Merger(ours, theirs, source_name, origin)
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
        for meeting_id, title, payload in merger.final_conflicts:
            uuid = merger.our_uuid["meeting"].get(meeting_id, "")
            record(session, AuditAction.MERGE, "meeting", entity_uuid=uuid,
                   summary=f"合并冲突：已定稿的会议“{title}”在{merger.origin}中是另一版本，本机定稿未改动，"
                           "对方版本已另存待处理",
                   detail={"source": merger.origin, "kept": "ours (定稿)",
                           "other_digest": hashlib.sha256(payload.encode("utf-8")).hexdigest()})
        if summary.changed or merger.conflicts:
            their_audit = theirs.execute("SELECT count(*) FROM audit_entry").fetchone()
            record(session, AuditAction.MERGE, "database", summary=summary.describe(),
                   detail={"source": source_name, "added": summary.added, "updated": summary.updated,
                           "kept": summary.kept, "deleted": summary.deleted,
                           "final_conflicts": len(summary.conflicts), "their_audit_entries": their_audit[0]})
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
    m = info.manifest
    origin = (f"备份“{info.path.name}”（党支部：{'、'.join(m.branches) or '无'}，"
              f"备份时间：{m.created_at.replace('T', ' ')}）")
    summary = merge_file(db, extracted, info.path.name, origin)
    _note_backup_date(db, extracted, m.created_at)
    return summary


def _note_backup_date(db: Database, extracted: Path, created_at: str) -> None:
    """The 党委工作台 shows, per branch, when its newest merged backup was made."""
    from models.db import readonly_uri
    from models.overview import note_backup_date

    theirs = sqlite3.connect(readonly_uri(extracted), uri=True)
    try:
        uuids = [uuid for (uuid,) in theirs.execute("SELECT uuid FROM branch")]
    finally:
        theirs.close()
    with db.transaction() as session:
        note_backup_date(session, uuids, created_at)
