"""Moving records between a committee's server (PostgreSQL) and BranchBook's SQLite files.

* :func:`export_branches` copies one branch (or several, or all) from the server into a new
  SQLite database file at the newest schema, through SQLAlchemy Core with the same table
  definitions on both sides (so each value keeps its type). That file is what ``backup`` packs
  into the usual verified .bbk: a branch takes its records home, or to another server.
* :func:`merge_into_server` merges a branch's USB backup into the server: the branches the
  backup holds are exported into a staging file, the backup is merged into that file by the one
  merge of models.merge (the same rules as on a PC), and the difference is written back to the
  server in one transaction: rows changed or deleted by the merge, and new rows under ids drawn
  from the server's own sequences (other clients write meanwhile), with every reference mapped.
  The merge's audit entries are appended to the server's chain.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    delete,
    func,
    literal,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.sql import Select

from models.db import Database, make_engine, open_database
from models.entities import AuditEntry, Base, Branch
from models.errors import BranchBookError

BATCH = 5000
#: rows of store_info that describe the file itself, never copied between databases
_OWN_KEYS = ("database_uuid",)


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _by_name() -> dict[str, Table]:
    return {t.name: t for t in _tables()}


def _branch_filter(table: Table, branch_ids: list[int], branch_uuids: list[str],
                   chosen: dict[str, Select[Any]]) -> Select[Any] | None:
    """The rows of ``table`` that belong to the branches (None: the table is not copied).

    A table with branch_id is filtered on it; tombstones on their branch's uuid; any other
    table through its first required reference to a table already chosen (attendance through
    its meeting, a status through its member…)."""
    if table.name == "branch":
        return select(table).where(table.c.id.in_(branch_ids))
    if table.name == "store_info":
        return None
    if table.name == "tombstone":
        return select(table).where(table.c.branch_uuid.in_(branch_uuids))
    if "branch_id" in table.c:
        return select(table).where(table.c.branch_id.in_(branch_ids))
    for column in sorted(table.c, key=lambda c: bool(c.nullable)):  # required references first
        for fk in column.foreign_keys:
            parent = fk.column.table.name
            if parent in chosen:
                ids = chosen[parent].with_only_columns(fk.column).scalar_subquery()
                return select(table).where(column.in_(ids))
    raise RuntimeError(f"no way to tell the branch of table {table.name}")


def _copy(source: Connection, target: Connection, table: Table, query: Select[Any]) -> int:
    rows = 0
    result = source.execute(query.order_by(*table.primary_key.columns), execution_options={"yield_per": BATCH})
    for part in result.mappings().partitions(BATCH):
        target.execute(table.insert(), [dict(r) for r in part])
        rows += len(part)
    return rows


def export_branches(db: Database, dest: Path, branch_ids: list[int] | None = None) -> None:
    """Write the server's records of ``branch_ids`` (None: every branch, with the whole audit
    log) into a new SQLite file: what ``backup`` of a server packs. A branch's own log entries
    are re-linked into a chain of the new file's own (its entries alone are not the server's chain)."""
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                               postgresql_readonly=True) as source, source.begin():
        everything = branch_ids is None
        ids = list(source.scalars(select(Branch.id))) if branch_ids is None else branch_ids
        _export(source, dest, ids, audit="all" if everything else "branch")


def _export(source: Connection, dest: Path, branch_ids: list[int], *, audit: str) -> None:
    """Copy the branches' rows into a new SQLite file at ``dest`` (see :func:`_copy_audit` for
    ``audit``), inside the caller's transaction on the server."""
    open_database(dest).close()  # the newest schema, BranchBook's application id, its own identity
    target_engine = make_engine(dest, foreign_keys=False, pooled=False)  # a cycle (group leader ↔ member)
    try:
        with target_engine.begin() as target:
            uuids = list(source.scalars(select(Branch.uuid).where(Branch.id.in_(branch_ids))))
            chosen: dict[str, Select[Any]] = {}
            for table in _tables():
                if table.name == "audit_entry":
                    continue
                if table.name == "store_info":
                    if audit == "merge":  # when each branch's newest backup was merged (党委工作台)
                        from models.overview import BACKUP_KEY

                        _copy(source, target, table, select(table).where(table.c.key.like(BACKUP_KEY + "%")))
                    continue
                query = _branch_filter(table, branch_ids, uuids, chosen)
                if query is None:
                    continue
                chosen[table.name] = query
                _copy(source, target, table, query)
            _copy_audit(source, target, branch_ids, audit)
            problems = target.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise BranchBookError(f"导出时发现 {len(problems)} 处跨党支部的数据关联，未完成。"
                                      "请联系管理员检查服务器上的数据。")
    finally:
        target_engine.dispose()


def _copy_audit(source: Connection, target: Connection, branch_ids: list[int], audit: str) -> None:
    """"all": the whole log as it is; "merge": only merge entries (what models.merge reads to stay
    idempotent); "branch": the branches' own entries, re-linked into a chain of their own."""
    table = AuditEntry.__table__
    assert isinstance(table, Table)
    if audit == "all":
        _copy(source, target, table, select(table))
        return
    if audit == "merge":
        _copy(source, target, table, select(table).where(table.c.action == "merge"))
        return
    from models.audit import GENESIS_HASH, entry_hash

    prev = GENESIS_HASH
    query = select(AuditEntry).where(AuditEntry.branch_id.in_(branch_ids)).order_by(AuditEntry.id)
    from sqlalchemy.orm import Session

    with Session(bind=source) as session:
        for part in session.scalars(query.execution_options(yield_per=BATCH)).partitions(BATCH):
            rows = []
            for entry in part:
                session.expunge(entry)
                entry.prev_hash = prev
                entry.hash = prev = entry_hash(entry)
                rows.append({c.name: getattr(entry, c.key) for c in table.columns})
            target.execute(table.insert(), rows)


# --- merge into the server -------------------------------------------------------------------------


def _pk(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _changed(con: sqlite3.Connection, table: Table) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(keys of new or changed rows, keys of deleted rows) between main (after) and ``before``."""
    keys = ", ".join(_pk(table))
    cols = ", ".join(c.name for c in table.columns)
    changed = con.execute(f"SELECT {keys} FROM (SELECT {cols} FROM main.{table.name} "
                          f"EXCEPT SELECT {cols} FROM before.{table.name})").fetchall()
    gone = con.execute(f"SELECT {keys} FROM before.{table.name} EXCEPT SELECT {keys} FROM main.{table.name}").fetchall()
    return changed, gone


def _staged_rows(staging: Connection, table: Table, keys: list[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
    """The staged rows with these keys, as Python values (SQLAlchemy's types read them)."""
    columns = [table.c[n] for n in _pk(table)]
    for start in range(0, len(keys), 500):
        part = keys[start:start + 500]
        where = columns[0].in_([k[0] for k in part]) if len(columns) == 1 else tuple_(*columns).in_(part)
        for row in staging.execute(select(table).where(where)).mappings():
            yield dict(row)


class _Applier:
    """Writes what the staged merge changed into the server (one transaction, ``server``)."""

    def __init__(self, server: Connection, staging: Connection, diff: sqlite3.Connection) -> None:
        self.server, self.staging, self.diff = server, staging, diff
        self.new_ids: dict[str, dict[int, int]] = {}  # table → staged id → server id of a new row
        # table, column, server row id, staged reference, the row's updated_at
        self.late: list[tuple[Table, str, int, int, Any]] = []

    def _server_ids(self, table: Table, count: int) -> list[int]:
        seq = self.server.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        return list(self.server.scalars(text("SELECT nextval(:s) FROM generate_series(1, :n)"),
                                        {"s": seq, "n": count}))

    def _map_refs(self, table: Table, row: dict[str, Any], done: set[str], row_id: int | None) -> None:
        for column in table.c:
            for fk in column.foreign_keys:
                value = row.get(column.name)
                parent = fk.column.table.name
                if value is None:
                    continue
                if parent not in done and parent != table.name:  # written later: set afterwards
                    if row_id is not None:
                        self.late.append((table, column.name, row_id, value, row.get("updated_at")))
                    row[column.name] = None
                else:
                    row[column.name] = self.new_ids.get(parent, {}).get(value, value)

    def apply(self) -> None:
        tables = [t for t in _tables() if t.name != "audit_entry"]
        deleted: list[tuple[Table, list[tuple[Any, ...]]]] = []
        done: set[str] = set()
        for table in tables:
            changed, gone = _changed(self.diff, table)
            deleted.append((table, gone))
            if table.name == "store_info":
                changed = [k for k in changed if k[0] not in _OWN_KEYS]
            rows = list(_staged_rows(self.staging, table, changed)) if changed else []
            surrogate = _pk(table) == ["id"]
            existing = self._before_ids(table, [r["id"] for r in rows]) if rows and surrogate else set()
            new_rows = [r for r in rows if not surrogate or r["id"] not in existing]
            old_rows = [r for r in rows if surrogate and r["id"] in existing]
            if new_rows and surrogate:
                ids = self._server_ids(table, len(new_rows))
                self.new_ids[table.name] = {r["id"]: i for r, i in zip(new_rows, ids, strict=True)}
                for r, i in zip(new_rows, ids, strict=True):
                    r["id"] = i
            for r in new_rows + old_rows:
                self._map_refs(table, r, done, r.get("id") if surrogate else None)
            for r in old_rows:
                values: dict[str, Any] = {k: v for k, v in r.items() if k != "id"}
                if table.name == "meeting":
                    # the PC's counter may be behind the server's: the merged row is a new version of
                    # both, so an editor on the server holding an older one is refused, not overwritten
                    values["version"] = func.greatest(table.c.version, r["version"]) + 1
                self.server.execute(update(table).where(table.c.id == r["id"]).values(**values))
            if new_rows:
                if surrogate:
                    self.server.execute(table.insert(), new_rows)
                else:
                    self._upsert(table, new_rows)
            done.add(table.name)
        for table, column, row_id, ref, updated_at in self.late:
            parent = next(fk.column.table.name for fk in table.c[column].foreign_keys)
            values = {column: self.new_ids.get(parent, {}).get(ref, ref)}
            if "updated_at" in table.c:  # the merged value, not the column's onupdate (now)
                values["updated_at"] = updated_at
            self.server.execute(update(table).where(table.c.id == row_id).values(values))
        for table, gone in reversed(deleted):
            if not gone or table.name == "store_info":
                continue
            columns = [table.c[n] for n in _pk(table)]
            for start in range(0, len(gone), 500):
                part = gone[start:start + 500]
                where = columns[0].in_([k[0] for k in part]) if len(columns) == 1 else tuple_(*columns).in_(part)
                self.server.execute(delete(table).where(where))

    def _before_ids(self, table: Table, wanted: list[int]) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            found |= {r[0] for r in self.diff.execute(
                f"SELECT id FROM before.{table.name} WHERE id IN ({', '.join('?' * len(part))})", part)}
        return found

    def _upsert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        from sqlalchemy.dialects.postgresql import insert

        stmt = insert(table)
        keys = _pk(table)
        others = {c.name: stmt.excluded[c.name] for c in table.c if c.name not in keys}
        self.server.execute(stmt.on_conflict_do_update(index_elements=keys, set_=others) if others
                            else stmt.on_conflict_do_nothing(index_elements=keys), rows)


def _replay_audit(server: Connection, staging: Connection, before_max: int, new_ids: dict[str, dict[int, int]]) -> None:
    """The merge's own log entries, appended to the server's chain in their order."""
    from sqlalchemy.orm import Session

    from models.audit import record
    from models.enums import AuditAction

    entries = staging.execute(select(AuditEntry.__table__).where(AuditEntry.id > before_max)
                              .order_by(AuditEntry.id)).mappings().all()
    with Session(bind=server) as session:
        for e in entries:
            branch = e["branch_id"]
            record(session, AuditAction(e["action"]), e["entity"], entity_uuid=e["entity_uuid"],
                   summary=e["summary"], detail=json.loads(e["detail"] or "{}"),
                   branch_id=new_ids.get("branch", {}).get(branch, branch) if branch is not None else None,
                   at=e["at"])
        session.flush()


@contextmanager
def _work_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="branchbook-server-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def merge_into_server(db: Database, backup: Path, passphrase: str | None = None) -> Any:
    """Merge a branch's backup (.bbk) into the server; returns models.merge's MergeSummary."""
    from models.backup import opened_backup
    from models.merge import merge_checked

    with opened_backup(backup, passphrase) as checked, _work_folder() as work:
        extracted, _info = checked
        theirs = sqlite3.connect(f"{extracted.resolve().as_uri()}?mode=ro", uri=True)
        try:
            their_uuids = [u for (u,) in theirs.execute("SELECT uuid FROM branch")]
        finally:
            theirs.close()
        staged, before = work / "staging.sqlite3", work / "before.sqlite3"
        with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as server, server.begin():
            ids = list(server.scalars(select(Branch.id).where(Branch.uuid.in_(their_uuids))))
            # a snapshot of the branches concerned, in the same transaction as the write-back
            _export(server, staged, ids, audit="merge")
            shutil.copyfile(staged, before)
            staging_db = open_database(staged)
            try:
                before_max = _max_audit(staging_db)
                summary = merge_checked(staging_db, checked)
            finally:
                staging_db.close()
            diff = sqlite3.connect(staged)
            engine = make_engine(staged, pooled=False)
            try:
                diff.execute("ATTACH DATABASE ? AS before", (str(before),))
                with engine.connect() as staging:
                    applier = _Applier(server, staging, diff)
                    applier.apply()
                    _replay_audit(server, staging, before_max, applier.new_ids)
            finally:
                diff.close()
                engine.dispose()
    return summary


def _max_audit(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.coalesce(func.max(AuditEntry.id), literal(0)))) or 0)


def branches_named(db: Database, choice: str | None) -> list[int] | None:
    """The branch ``--branch`` names (None: every branch on the server)."""
    if not choice:
        return None
    from models.branches import resolve_branch

    with db.reading() as session:
        return [resolve_branch(session, choice).id]


def backup_server(address: str, target_dir: Path, *, branch: str | None = None,
                  passphrase: str | None = None) -> Any:
    """``backup`` of a server: the branch ``--branch`` names (every branch when left out) exported
    into an SQLite file and packed into the usual verified .bbk in ``target_dir``."""
    from models.backup_format import BackupFileError

    if not target_dir.is_dir():
        raise BackupFileError(f"目标文件夹“{target_dir}”不存在或无法访问。请检查U盘是否已插好。")
    db = open_database(address)
    try:
        return backup_branches(db, target_dir, branches_named(db, branch), passphrase=passphrase)
    finally:
        db.close()


def backup_branches(db: Database, target_dir: Path, ids: list[int] | None, *,
                    passphrase: str | None = None) -> Any:
    """The branches ``ids`` (None: all) of the open server ``db`` as a verified .bbk in ``target_dir``
    (the window's 备份本支部到U盘, and ``backup`` above); returns models.backup's BackupInfo."""
    from models.backup import create_backup
    from models.backup_format import BackupFileError

    if not target_dir.is_dir():
        raise BackupFileError(f"目标文件夹“{target_dir}”不存在或无法访问。请检查U盘是否已插好。")
    with db.reading() as session:
        names = list(session.scalars(select(Branch.name).where(Branch.id.in_(ids)) if ids
                                     else select(Branch.name).order_by(Branch.id)))
    if not names:
        raise BranchBookError("服务器上还没有党支部，没有可备份的记录。")
    with _work_folder() as work:
        export = work / f"{names[0] if ids else (db.url.database if db.url else '服务器')}.sqlite3"
        export_branches(db, export, ids)
        return create_backup(export, target_dir, passphrase=passphrase)
