"""The partial index of the attendance rows that are not 出席 (migration 0010a): the year's
statistics count every member's rows from the (meeting, member) index and read statuses only
from this index — a tenth of the rows — instead of every row of the year."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import inspect

from models.compliance_data import _spans
from models.db import Database, open_database

BOTH_ENGINES = True  # the tests taking ``db`` run on SQLite and on PostgreSQL (tests/conftest.py)
INDEX = "ix_attendance_not_present"


def test_the_rows_not_present_have_their_own_index(db: Database) -> None:
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("attendance")}
    assert indexes.get(INDEX) == ["meeting_id", "member_id", "status"]


def _plan(path: Path, statement: object) -> str:
    db = open_database(path)
    try:
        compiled = statement.compile(dialect=db.engine.dialect)  # type: ignore[attr-defined]
    finally:
        db.close()
    params = {"branch_id": 1, "first_1": date(2026, 1, 1).isoformat(), "last_1": date(2026, 1, 31).isoformat()}
    con = sqlite3.connect(path)
    try:
        rows = con.execute(f"EXPLAIN QUERY PLAN {compiled}", [params[k] for k in compiled.positiontup]).fetchall()
    finally:
        con.close()
    return " ".join(str(row) for row in rows)


def test_an_older_file_gains_the_index_and_the_year_counts_read_indexes_only(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    open_database(path, target="0008m").close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (INDEX,)).fetchone()[0] == 0
    finally:
        con.close()
    every, not_present = _spans(1)
    plan = _plan(path, not_present)  # upgraded on open
    assert f"COVERING INDEX {INDEX}" in plan
    assert "COVERING INDEX" in _plan(path, every)  # the rows counted from the (meeting, member) index
