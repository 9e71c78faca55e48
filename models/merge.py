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
Everything of one backup happens in one transaction: a failure leaves this database unchanged
(several backups: :mod:`models.merge_many`, one transaction each).

How rows move (issue 14): set-based, never a whole database in Python. The other file is
ATTACHed to our connection under the schema ``theirs`` (this module handles the SQLite file
itself, so it may); new rows go over in one ``INSERT … SELECT`` per table, their ids turned
into ours through small temporary id maps (``merge_map_<table>``: their id → uuid → our
id, with "gone" for tombstoned rows and "final" for meetings 定稿 here). Only rows that
exist on both sides *and differ* come to Python, in batches, to be compared and logged.
The statements are SQLAlchemy Core over tables named by :func:`_shapes`: a server target
(PostgreSQL, issue 15) would stage the backup's rows into tables of that shape in batches
(read from the SQLite file, inserted through Core) and run the same :class:`_Merger`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    exists,
    false,
    func,
    insert,
    null,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause
from sqlalchemy.types import NullType

from models.audit import record
from models.backup import BackupInfo, opened_backup
from models.db import Database, head_revision, open_database
from models.entities import Base, new_uuid, utcnow
from models.enums import AuditAction
from models.errors import BranchBookError, sqlite_error_text
from models.merge_summary import LABELS, MergeSummary, duplicate_notes

__all__ = ["LABELS", "SKIPPED", "MergeSummary", "merge_backup", "merge_checked", "merge_file"]

NATURAL_KEYS = {"attendance": ("meeting_id", "member_id"), "branch_setting": ("branch_id", "key")}
#: the parts of a meeting that its 定稿 covers (rows with ``meeting_id``)
MEETING_PARTS = ("attendance", "agenda_item", "guest", "action_item", "attachment")
FINAL = "final"
_NOT_CONTENT = {"id", "created_at", "updated_at", "finalized_at", "meeting_id"}
SKIPPED = {"audit_entry", "store_info", "tombstone", "merge_conflict", "recycled_item"}  # not records: see 0003, 0004r
THEIRS = "theirs"  # the schema the other database is attached under
BATCH = 500  # rows that differ on both sides, compared in Python this many at a time
MERGE_CACHE_KIB = 65536  # SQLite page cache while merging: the uuid indexes are written at random

Row = dict[str, Any]


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED]


def _refs(table: Table) -> dict[str, str]:
    return {c.name: fk.column.table.name for c in table.columns for fk in c.foreign_keys}


def _names(table: FromClause) -> list[str]:
    return [c.name for c in table.columns]


def _raw(table: Table, metadata: MetaData, schema: str | None = None) -> Table:
    """``table``'s columns without types: values are read, compared, logged and written
    exactly as stored (no date or boolean conversion on the way)."""
    return Table(table.name, metadata, *(Column(c.name, NullType()) for c in table.columns), schema=schema)


@functools.cache
def _shapes() -> tuple[dict[str, Table], dict[str, Table]]:
    """Our tables and theirs (schema ``theirs``), untyped."""
    ours, theirs = MetaData(), MetaData()
    return ({t.name: _raw(t, ours) for t in Base.metadata.sorted_tables},
            {t.name: _raw(t, theirs, THEIRS) for t in Base.metadata.sorted_tables})


@functools.cache
def _final_table() -> Table:
    """Their ids of the meetings that were 定稿 here before the merge began."""
    return Table("merge_final_here", MetaData(), Column("their_id", Integer, primary_key=True),
                 prefixes=["TEMPORARY"])


@functools.cache
def _map_table(name: str) -> Table:
    """Their id → their uuid → our id for one table, ``gone``: tombstoned on either side or
    hanging from a gone row (never merged, nor its children); ``final``: 定稿 here."""
    return Table(f"merge_map_{name}", MetaData(), Column("their_id", Integer, primary_key=True),
                 Column("uuid", String), Column("our_id", Integer), Column("gone", Integer),
                 Column("final", Integer), prefixes=["TEMPORARY"])


def _loggable(row: Row) -> Row:
    return {k: (f"<{len(v)} 字节，sha256={hashlib.sha256(v).hexdigest()}>" if isinstance(v, bytes) else v)
            for k, v in row.items() if k != "id"}


def _digest(row: Row) -> str:
    return hashlib.sha256(repr(sorted(row.items())).encode("utf-8")).hexdigest()


class _View:
    """Their rows of one table as our database sees them: each reference turned into our id
    (``value``) and into the uuid it points at (``ref_uuid``), and ``live``: the conditions a
    row must meet to be merged at all (not gone, not part of a meeting 定稿 here)."""

    def __init__(self, merger: _Merger, name: str) -> None:
        self.t = merger.theirs[name].alias("t")
        self.frm: FromClause = self.t
        self.value: dict[str, ColumnElement[Any]] = {c.name: c for c in self.t.c}
        self.ref_uuid: dict[str, ColumnElement[Any]] = {}
        self.forward: dict[str, str] = {}  # references to a table merged later
        self.live: list[ColumnElement[bool]] = [~merger.tombstoned(name, self.t.c.uuid)]
        table = Base.metadata.tables[name]
        for col, ref in _refs(table).items():
            if ref not in merger.maps:
                r = merger.theirs[ref].alias(f"r_{col}")
                self.value[col] = null()
                self.ref_uuid[col] = (select(r.c.uuid).where(r.c.id == self.t.c[col], ~merger.tombstoned(ref, r.c.uuid))
                                      .scalar_subquery())
                self.forward[col] = ref
                continue
            m = merger.maps[ref].alias(f"m_{col}")
            self.frm = self.frm.outerjoin(m, m.c.their_id == self.t.c[col])
            self.value[col] = case((m.c.gone == 1, null()), else_=m.c.our_id)
            self.ref_uuid[col] = case((m.c.gone == 1, null()), else_=m.c.uuid)
            if not table.columns[col].nullable:
                self.live.append(func.coalesce(m.c.gone, 0) == 0)
            if name in MEETING_PARTS and col == "meeting_id":
                self.live.append(func.coalesce(m.c.final, 0) == 0)  # 定稿 here: their version set aside


class _Merger:
    """One backup's rows into our database, inside the caller's transaction. ``theirs``: the
    other database's tables as readable from ``session``'s connection."""

    def __init__(self, session: Session, theirs: dict[str, Table], source: str, origin: str = "") -> None:
        self.session = session
        self.conn: Connection = session.connection()
        self.ours, self.theirs = _shapes()[0], theirs
        self.origin = origin or f"备份“{source}”"
        self.tables = _tables()
        self.referenced = {ref for t in self.tables for ref in _refs(t).values()}
        self.maps: dict[str, Table] = {}
        self.summary = MergeSummary(source)
        self.final_conflicts: list[tuple[str, str, str]] = []  # our meeting uuid, title, payload
        self.deferred: list[tuple[str, str, int, Any]] = []  # table, column, our row id, their ref id
        self.inserted_after: dict[str, int] = {}  # table → largest id before this merge's inserts
        self.forward: list[tuple[str, str, str]] = []  # table, column, the table merged later it names
        self.kept_in_use = 0
        self.deleted_entities: set[str] | None = None  # tables with tombstones (after ours took theirs)

    def tombstoned(self, entity: str, uuid: ColumnElement[Any]) -> ColumnElement[bool]:
        """SQL: the ``entity`` row ``uuid`` was deleted on either side. A tombstone names its
        table, so a table none of whose rows were ever deleted needs no look-up per row."""
        if self.deleted_entities is None:
            self.deleted_entities = {entity for side in (self.ours, self.theirs) for entity in
                                     self.conn.scalars(select(side["tombstone"].c.entity).distinct())}
        if entity not in self.deleted_entities:
            return false()
        ours, theirs = self.ours["tombstone"].alias(), self.theirs["tombstone"].alias()
        return or_(exists().where(ours.c.uuid == uuid), exists().where(theirs.c.uuid == uuid))

    def run(self) -> MergeSummary:
        b = self.theirs["branch"]
        self.summary.branches = list(self.conn.scalars(select(b.c.name).order_by(b.c.id)))
        for name in [*(_map_table(n).name for n in sorted(self.referenced)), _final_table().name]:
            self.conn.execute(text(f"DROP TABLE IF EXISTS {name}"))  # left by a connection that died
        t, o, final = self.theirs["meeting"], self.ours["meeting"], _final_table()
        final.create(self.conn)
        self.conn.execute(insert(final).from_select(["their_id"], select(t.c.id).select_from(
            t.join(o, o.c.uuid == t.c.uuid)).where(o.c.status == FINAL)))
        try:
            self._guard_final_meetings()
            self._apply_tombstones()
            for table in self.tables:
                view = _View(self, table.name)
                self._merge_table(table.name, view)
                if table.name in self.referenced:
                    self._fill_map(table.name, view)
            self._fill_forward_references()
        finally:
            for table in [*self.maps.values(), final]:
                table.drop(self.conn)
        self.summary.notes += duplicate_notes(self.conn)
        return self.summary

    def _fill_map(self, name: str, view: _View) -> None:
        table = _map_table(name)
        table.create(self.conn)
        self.maps[name] = table
        t, o = view.t, self.ours[name].alias("o")
        gone = case((and_(true(), *view.live), 0), else_=1)
        here = _final_table()
        final = case((exists().where(here.c.their_id == t.c.id), 1), else_=0) if name == "meeting" else null()
        self.conn.execute(insert(table).from_select(
            ["their_id", "uuid", "our_id", "gone", "final"],
            select(t.c.id, t.c.uuid, o.c.id, gone, final).select_from(view.frm.outerjoin(o, o.c.uuid == t.c.uuid))))

    # --- 定稿 meetings ----------------------------------------------------------------------

    def _meeting_version(self, tables: dict[str, Table], meeting_uuid: str) -> Row | None:
        """A meeting with its parts as plain data (ids replaced by uuids/names): what a
        conflict keeps, and what two sides are compared on."""
        m = tables["meeting"]
        found = self.conn.execute(select(m).where(m.c.uuid == meeting_uuid)).mappings().first()
        if found is None:
            return None
        meeting = dict(found)
        version: Row = {k: v for k, v in meeting.items() if k not in _NOT_CONTENT and not k.endswith("_id")}
        g, member = tables["party_group"], tables["member"]
        version["group"] = self.conn.scalar(select(g.c.name).where(g.c.id == meeting["group_id"]))
        for part in MEETING_PARTS:
            p = tables[part]
            rows = []
            for values in self.conn.execute(select(p).where(p.c.meeting_id == meeting["id"])
                                            .order_by(p.c.uuid)).mappings():
                item = {k: v for k, v in values.items() if k not in _NOT_CONTENT}
                if "member_id" in item:
                    who = self.conn.execute(select(member.c.uuid, member.c.name)
                                            .where(member.c.id == item.pop("member_id"))).first()
                    item["member_uuid"], item["member_name"] = tuple(who) if who else (None, None)
                if "data" in item:
                    item.pop("data")  # the bytes stay in the other backup; the sha256 names them
                rows.append(item)
            version[part] = rows
        return version

    def _same_version(self, t: FromClause, o: FromClause) -> ColumnElement[bool]:
        """SQL: their meeting ``t`` and ours ``o`` hold the same version (what
        :meth:`_meeting_version` compares), so that only the others are built in Python."""
        same = [t.c[c].is_not_distinct_from(o.c[c]) for c in _names(t)
                if c not in _NOT_CONTENT and not c.endswith("_id")]
        tg, og = self.theirs["party_group"].alias("tg"), self.ours["party_group"].alias("og")
        same.append(select(tg.c.name).where(tg.c.id == t.c.group_id).scalar_subquery().is_not_distinct_from(
            select(og.c.name).where(og.c.id == o.c.group_id).scalar_subquery()))
        for part in MEETING_PARTS:
            tp, op = self.theirs[part].alias(f"tp_{part}"), self.ours[part].alias(f"op_{part}")
            same.append(select(func.count()).select_from(tp).where(tp.c.meeting_id == t.c.id).scalar_subquery()
                        == select(func.count()).select_from(op).where(op.c.meeting_id == o.c.id).scalar_subquery())
            alike = [op.c.meeting_id == o.c.id, op.c.uuid == tp.c.uuid]
            alike += [tp.c[c].is_not_distinct_from(op.c[c]) for c in _names(tp)
                      if c not in _NOT_CONTENT and c not in ("member_id", "data", "uuid")]
            if "member_id" in tp.c:
                tm, om = self.theirs["member"].alias("tm"), self.ours["member"].alias("om")
                for c in ("uuid", "name"):
                    alike.append(select(tm.c[c]).where(tm.c.id == tp.c.member_id).scalar_subquery()
                                 .is_not_distinct_from(select(om.c[c]).where(om.c.id == op.c.member_id)
                                                       .scalar_subquery()))
            same.append(~exists().where(tp.c.meeting_id == t.c.id, ~exists(select(op.c.id).where(*alike))))
        return and_(*same)

    def _set_aside(self, meeting_uuid: str, theirs: Row) -> None:
        """Keep the other side's version of a meeting that is 定稿 here, once per version."""
        payload = json.dumps(theirs, ensure_ascii=False, sort_keys=True, default=str)
        m, c = self.ours["meeting"], self.ours["merge_conflict"]
        our_id, title = self.conn.execute(select(m.c.id, m.c.title).where(m.c.uuid == meeting_uuid)).one()
        if self.conn.scalar(select(c.c.id).where(c.c.meeting_id == our_id, c.c.payload == payload)) is not None:
            return  # set aside by an earlier merge of the same backup: merging stays idempotent
        now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy's DateTime stores it
        self.conn.execute(insert(c).values(meeting_id=our_id, source=self.origin, payload=payload, resolved_at=None,
                                           resolution="", uuid=new_uuid(), created_at=now, updated_at=now))
        self.final_conflicts.append((meeting_uuid, title, payload))
        self.summary.conflicts.append(title)

    def _guard_final_meetings(self) -> None:
        """Their different version of a meeting 定稿 here: set aside, never merged over it."""
        t, o = self.theirs["meeting"].alias("t"), self.ours["meeting"].alias("o")
        tomb = self.theirs["tombstone"].alias()
        query = (select(o.c.uuid).select_from(t.join(o, o.c.uuid == t.c.uuid))
                 .where(o.c.status == FINAL, ~exists().where(tomb.c.uuid == t.c.uuid), ~self._same_version(t, o))
                 .order_by(o.c.uuid).limit(BATCH))
        last = ""
        while uuids := list(self.conn.scalars(query.where(o.c.uuid > last))):
            for meeting_uuid in uuids:
                theirs = self._meeting_version(self.theirs, meeting_uuid)
                if theirs is not None and theirs != self._meeting_version(self.ours, meeting_uuid):
                    self._set_aside(meeting_uuid, theirs)
            last = uuids[-1]

    # --- deletions ------------------------------------------------------------------------

    def _still_used(self, entity: str, uuid: str) -> bool:
        """A member with attendance here, or a group with members here, is not deleted by a merge."""
        used = {"member": "SELECT 1 FROM attendance a JOIN member m ON m.id = a.member_id WHERE m.uuid = :u",
                "party_group": "SELECT 1 FROM member m JOIN party_group g ON g.id = m.group_id WHERE g.uuid = :u"}
        query = used.get(entity)
        return query is not None and self.conn.execute(text(query + " LIMIT 1"), {"u": uuid}).first() is not None

    def _is_final(self, meeting_uuid: str | None) -> bool:
        m = self.ours["meeting"]
        return meeting_uuid is not None and self.conn.scalar(
            select(m.c.id).where(m.c.uuid == meeting_uuid, m.c.status == FINAL)) is not None

    def _apply_tombstones(self) -> None:
        names = {t.name for t in self.tables}
        theirs, ours = self.theirs["tombstone"], self.ours["tombstone"]
        query = (select(theirs.c.uuid, theirs.c.entity, theirs.c.branch_uuid, theirs.c.deleted_at)
                 .where(~exists().where(ours.c.uuid == theirs.c.uuid)).order_by(theirs.c.uuid).limit(BATCH))
        last = ""
        while batch := self.conn.execute(query.where(theirs.c.uuid > last)).all():
            last = batch[-1][0]
            for uuid, entity, branch_uuid, deleted_at in batch:
                if entity == "meeting" and self._is_final(uuid):
                    self._set_aside(uuid, {"deleted": True, "deleted_at": str(deleted_at),
                                           "note": "对方已删除这次会议"})
                    continue  # the 定稿 meeting stays; the tombstone is not taken over
                if self._still_used(entity, uuid):
                    self.kept_in_use += 1
                    continue  # deleting it here would take records made here with it
                if entity in MEETING_PARTS:
                    p, m = self.ours[entity], self.ours["meeting"]
                    parent = self.conn.scalar(select(m.c.uuid).select_from(p.join(m, m.c.id == p.c.meeting_id))
                                              .where(p.c.uuid == uuid))
                    if self._is_final(parent):
                        continue  # part of a 定稿 meeting here: its conflict shows the other version
                self.conn.execute(insert(ours).values(uuid=uuid, entity=entity, branch_uuid=branch_uuid,
                                                      deleted_at=str(deleted_at)))
                if entity in names:
                    table = self.ours[entity]
                    gone = self.conn.execute(table.delete().where(table.c.uuid == uuid)).rowcount
                    self.summary.count(self.summary.deleted, entity, gone)
        if self.kept_in_use:
            self.summary.notes.append(f"对方删除的 {self.kept_in_use} 条记录（党员或党小组）在本机仍有出席记录或党员，"
                                      "已保留未删除。")

    # --- rows -----------------------------------------------------------------------------

    def _already_logged(self, uuid: str, loser: Row) -> bool:
        """The same losing version was logged by an earlier merge (keeps merging idempotent)."""
        digest = _digest(loser)
        a = self.ours["audit_entry"]
        return any(digest in (d or "") for d in self.conn.scalars(
            select(a.c.detail).where(a.c.action == str(AuditAction.MERGE), a.c.entity_uuid == uuid)))

    def _merge_table(self, name: str, view: _View) -> None:
        table = self.ours[name]
        self.inserted_after[name] = self.conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
        self.forward += [(name, col, ref) for col, ref in view.forward.items()]
        natural = name in NATURAL_KEYS and self._may_match_naturally(name)
        added = self._insert_new(name, view, natural)
        t = self.theirs[name]
        if added < (self.conn.scalar(select(func.count()).select_from(t)) or 0):
            # some of theirs are here already (or gone): compare those with ours as they were
            self._merge_matched(name, view, natural=False)
            if natural:
                self._merge_matched(name, view, natural=True)

    def _may_match_naturally(self, name: str) -> bool:
        """A row here with the same natural key hangs from parents that were here before this
        merge: when none of their parents was (a branch seen for the first time), skip the search."""
        refs = _refs(Base.metadata.tables[name])
        for ref in (refs[k] for k in NATURAL_KEYS[name] if k in refs):
            m = self.maps[ref]
            if not self.conn.scalar(select(exists().where(m.c.our_id <= self.inserted_after[ref]))):
                return False
        return True

    def _insert_new(self, name: str, view: _View, natural: bool) -> int:
        """Their rows that are new here, in one INSERT … SELECT; a uuid already here is left
        for :meth:`_merge_matched` (ON CONFLICT DO NOTHING: the unique index is searched once)."""
        cols = [c for c in _names(view.t) if c != "id"]
        where = [true(), *view.live]
        if natural:
            same_key = self.ours[name].alias("k")
            where.append(~exists().where(*(same_key.c[k] == view.value[k] for k in NATURAL_KEYS[name])))
        dialect = sqlite if self.conn.dialect.name == "sqlite" else postgresql
        statement = dialect.insert(self.ours[name]).from_select(
            cols, select(*(view.value[c] for c in cols)).select_from(view.frm).where(*where))
        added = self.conn.execute(statement.on_conflict_do_nothing(index_elements=["uuid"])).rowcount
        self.summary.count(self.summary.added, name, added)
        return added

    def _merge_matched(self, name: str, view: _View, *, natural: bool) -> None:
        """Their rows that exist here too (same uuid, or same natural key) and differ: the
        newer edit wins, the other version goes to the audit log. Read in batches."""
        t, o = view.t, self.ours[name].alias("o")
        cols = [c for c in _names(t) if c != "id"]
        refs = _refs(Base.metadata.tables[name])
        theirs = {c: view.ref_uuid.get(c, t.c[c]) for c in cols}
        ours: dict[str, ColumnElement[Any]] = {c: o.c[c] for c in cols}
        for col, ref in refs.items():
            r = self.ours[ref].alias(f"our_{col}")
            ours[col] = select(r.c.uuid).where(r.c.id == o.c[col]).scalar_subquery()
        if natural:
            same_uuid = self.ours[name].alias("u")
            on = and_(*(o.c[k] == view.value[k] for k in NATURAL_KEYS[name]))
            where = [~exists().where(same_uuid.c.uuid == t.c.uuid)]
        else:
            on, where = o.c.uuid == t.c.uuid, []
        where.append(o.c.id <= self.inserted_after[name])  # not the rows this merge just added
        if name == "meeting":
            where.append(o.c.status.is_distinct_from(FINAL))  # 定稿 here: their version was set aside
        differs = or_(*(theirs[c].is_distinct_from(ours[c]) for c in cols if c != "uuid"))
        query = (select(t.c.id, *(theirs[c].label(f"t_{c}") for c in cols), *(view.value[c].label(f"v_{c}") for c in cols),
                        *(t.c[c].label(f"f_{c}") for c in view.forward), o.c.id.label("o_id"),
                        *(ours[c].label(f"o_{c}") for c in cols))
                 .select_from(view.frm.join(o, on)).where(*view.live, *where, differs).order_by(t.c.id).limit(BATCH))
        last = 0
        while batch := self.conn.execute(query.where(t.c.id > last)).mappings().all():
            last = batch[-1]["id"]
            for found in batch:
                self._settle(name, view, cols, found)

    def _settle(self, name: str, view: _View, cols: list[str], found: Any) -> None:
        row = {"id": found["id"], **{c: found[f"t_{c}"] for c in cols}}
        mine = {"id": found["o_id"], **{c: found[f"o_{c}"] for c in cols}}
        if {k: v for k, v in row.items() if k not in ("id", "uuid")} == \
                {k: v for k, v in mine.items() if k not in ("id", "uuid")}:
            return
        if (row["updated_at"] or "") > (mine["updated_at"] or ""):
            table = self.ours[name]
            self.conn.execute(update(table).where(table.c.id == mine["id"])
                              .values({c: found[f"v_{c}"] for c in cols if c != "uuid"}))
            self.deferred += [(name, col, mine["id"], found[f"f_{col}"]) for col in view.forward]
            self.summary.count(self.summary.updated, name)
            self._log(name, mine["uuid"], "theirs", _loggable(mine))
        elif not self._already_logged(mine["uuid"], _loggable(row)):
            self.summary.count(self.summary.kept, name)
            self._log(name, mine["uuid"], "ours", _loggable(row))

    def _log(self, table: str, uuid: str, winner: str, loser: Row) -> None:
        kept = "对方的较新版本" if winner == "theirs" else "本机的较新版本"
        record(self.session, AuditAction.MERGE, table, entity_uuid=uuid,
               summary=f"合并冲突：{LABELS.get(table, table)}在两台电脑上都被修改，保留{kept}",
               detail={"source": self.summary.source, "kept": winner, "other_version": loser,
                       "other_digest": _digest(loser)})

    def _fill_forward_references(self) -> None:
        """References to a table merged later (a group's leader), once that table is in."""
        for name, col, ref in self.forward:
            mine, t, m = self.ours[name], self.theirs[name].alias("t"), self.maps[ref]
            now_ours = (select(m.c.our_id).select_from(t.join(m, m.c.their_id == t.c[col]))
                        .where(t.c.uuid == mine.c.uuid, m.c.gone == 0).scalar_subquery())
            self.conn.execute(update(mine).where(mine.c.id > self.inserted_after[name]).values({col: now_ours}))
        for name, col, our_id, their_ref in self.deferred:
            mine, m = self.ours[name], self.maps[_refs(Base.metadata.tables[name])[col]]
            self.conn.execute(update(mine).where(mine.c.id == our_id).values(
                {col: select(m.c.our_id).where(m.c.their_id == their_ref, m.c.gone == 0).scalar_subquery()}))

    def log_final_conflicts(self) -> None:
        for uuid, title, payload in self.final_conflicts:
            record(self.session, AuditAction.MERGE, "meeting", entity_uuid=uuid,
                   summary=f"合并冲突：已定稿的会议“{title}”在{self.origin}中是另一版本，本机定稿未改动，"
                           "对方版本已另存待处理",
                   detail={"source": self.origin, "kept": "ours (定稿)",
                           "other_digest": hashlib.sha256(payload.encode("utf-8")).hexdigest()})


@contextmanager
def _attached(conn: Connection, path: Path) -> Iterator[dict[str, Table]]:
    """The SQLite file ``path`` readable from ``conn`` as the schema ``theirs`` (and a page
    cache large enough for the merge), until the block ends."""
    if not path.is_file():
        raise BranchBookError(f"找不到要合并的数据库文件“{path.name}”。")
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    raw.execute(f"ATTACH DATABASE ? AS {THEIRS}", (str(path),))
    raw.execute(f"PRAGMA main.cache_size=-{MERGE_CACHE_KIB}")
    try:
        yield _shapes()[1]
    finally:
        try:
            raw.execute("PRAGMA main.cache_size=-2000")
            raw.execute(f"DETACH DATABASE {THEIRS}")
        except sqlite3.Error:
            conn.invalidate()  # never hand a connection with the other file attached back to the pool


def merge_file(db: Database, other: Path, source_name: str, origin: str = "",
               backup_made_at: str | None = None, verified: Callable[[], None] | None = None) -> MergeSummary:
    """Merge the BranchBook database file ``other`` (same schema revision) into ``db``;
    ``origin`` describes where it came from (kept with any conflict); ``backup_made_at``
    (ISO): when that backup was made, remembered per branch for the 党委工作台.
    ``verified``: called before the commit, waits for ``other``'s check (running on another
    thread) and raises when it failed — the transaction is then rolled back."""
    try:
        with (db.engine.connect() as conn, _attached(conn, other) as theirs, Session(bind=conn) as session,
              session.begin()):
            summary = _merge(session, theirs, source_name, origin, backup_made_at)
            if verified is not None:
                verified()
            return summary
    except (sqlite3.Error, DBAPIError) as exc:
        raise BranchBookError(f"合并“{source_name}”时出错（{sqlite_error_text(exc)}），合并已撤销，数据库未改动。") from exc


def _merge(session: Session, theirs: dict[str, Table], source_name: str, origin: str,
           backup_made_at: str | None) -> MergeSummary:
    merger = _Merger(session, theirs, source_name, origin)
    summary = merger.run()
    conn = merger.conn
    if not conn.exec_driver_sql("PRAGMA foreign_keys").scalar():  # on: every statement was checked as it ran
        problems = conn.exec_driver_sql("PRAGMA main.foreign_key_check").fetchall()
        if problems:
            raise BranchBookError(f"合并后发现 {len(problems)} 处数据关联错误，合并已撤销，数据库未改动。")
    merger.log_final_conflicts()
    if summary.changed or summary.kept or summary.updated:
        a = theirs["audit_entry"]
        record(session, AuditAction.MERGE, "database", summary=summary.describe(),
               detail={"source": source_name, "added": summary.added, "updated": summary.updated,
                       "kept": summary.kept, "deleted": summary.deleted,
                       "final_conflicts": len(summary.conflicts),
                       "their_audit_entries": conn.scalar(select(func.count()).select_from(a))})
    if backup_made_at:
        from models.overview import note_backup_date

        b = theirs["branch"]
        note_backup_date(session, list(conn.scalars(select(b.c.uuid))), backup_made_at)
    return summary


def merge_backup(db: Database, backup: Path, passphrase: str | None = None) -> MergeSummary:
    """Verify ``backup``, bring it to our schema revision (in its temporary copy), merge it."""
    with opened_backup(backup, passphrase) as checked:
        return merge_checked(db, checked)


def prepare_checked(checked: tuple[Path, BackupInfo]) -> None:
    """Bring an extracted backup to our schema revision (its temporary copy only)."""
    extracted, info = checked
    if info.manifest.revision != head_revision():
        open_database(extracted).close()


def merge_checked(db: Database, checked: tuple[Path, BackupInfo], *, prepared: bool = False,
                  verified: Callable[[], None] | None = None) -> MergeSummary:
    """Merge a backup already extracted and checked by :func:`models.backup.opened_backup`
    (or extracted, its check running: ``verified`` waits for it, see :func:`merge_file`)."""
    extracted, info = checked
    if not prepared:
        prepare_checked(checked)
    m = info.manifest
    origin = (f"备份“{info.path.name}”（党支部：{'、'.join(m.branches) or '无'}，"
              f"备份时间：{m.created_at.replace('T', ' ')}）")
    return merge_file(db, extracted, info.path.name, origin, m.created_at, verified)
