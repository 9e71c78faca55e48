"""The audit log's entity_uuid index (migration 0008m): a merge asks per settled record whether
an earlier merge already logged the same losing version; without the index every question
read the whole audit log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect

from models.db import Database, open_database

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)
INDEX = "ix_audit_entry_entity_uuid"


def test_the_audit_log_is_indexed_by_entity_uuid(db: Database) -> None:
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("audit_entry")}
    assert indexes.get(INDEX) == ["entity_uuid"]


def test_an_older_file_gains_the_index_and_the_merge_lookup_uses_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    open_database(path, target="0009s").close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (INDEX,)).fetchone()[0] == 0
    finally:
        con.close()
    open_database(path).close()  # upgraded on open
    con = sqlite3.connect(path)
    try:
        plan = " ".join(str(row) for row in con.execute(
            "EXPLAIN QUERY PLAN SELECT detail FROM audit_entry WHERE action = 'merge' AND entity_uuid = 'x'"))
    finally:
        con.close()
    assert INDEX in plan
