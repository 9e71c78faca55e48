"""The statistics' indexes (migration 0010a): the year's statistics count every member's rows from
the (meeting, member) index and read statuses only from a partial index of the rows not 出席 — a
tenth of the rows — and the 学时 per member from an index of the notes with their hours, instead of
every attendance row and every note's text of the year."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from models.compliance_data import _counts
from models.db import Database, alembic_config, make_engine, open_database
from models.notes import _HOURS_BY_MEMBER

BOTH_ENGINES = True  # the tests taking ``db`` run on SQLite and on PostgreSQL (tests/conftest.py)
INDEX = "ix_attendance_not_present"


def test_the_rows_not_present_and_the_hours_have_their_own_indexes(db: Database) -> None:
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("attendance")}
    assert indexes.get(INDEX) == ["meeting_id", "member_id", "status"]
    notes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("study_note")}
    assert notes.get("ix_study_note_branch_date_hours") == ["branch_id", "studied_on", "member_id", "hours"]


def _plan(path: Path, statement: object) -> str:
    db = open_database(path)
    try:
        compiled = statement.compile(dialect=db.engine.dialect)  # type: ignore[attr-defined]
    finally:
        db.close()
    params = {"branch_id": 1, "first_1": date(2026, 1, 1).isoformat(), "last_1": date(2026, 1, 31).isoformat(),
              "first": date(2026, 1, 1).isoformat(), "after": date(2027, 1, 1).isoformat()}
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
    for statement in (_counts(1, True), _counts(1, False)):  # the look-back months, the year's counts
        plan = _plan(path, statement)  # upgraded on open
        assert f"COVERING INDEX {INDEX}" in plan  # the statuses of the rows not 出席
        assert "COVERING INDEX sqlite_autoindex_attendance_1" in plan  # every row from the (meeting, member) index
        assert "USING INDEX" not in plan.replace("USING INDEX ix_meeting_branch_date", "")  # no attendance record read
    assert "COVERING INDEX ix_study_note_branch_date_hours" in _plan(path, _HOURS_BY_MEMBER)


def test_the_upgrade_goes_back_down_to_the_indexes_before(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    open_database(path).close()
    engine = make_engine(path, foreign_keys=False, pooled=False)
    try:
        with engine.begin() as conn:  # downgrade: the earlier release's indexes again
            command.downgrade(alembic_config(conn, None), "0008m")
    finally:
        engine.dispose()
    con = sqlite3.connect(path)
    try:
        names = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        con.close()
    assert INDEX not in names and "ix_study_note_branch_date_hours" not in names
    assert "ix_study_note_branch_date" in names
