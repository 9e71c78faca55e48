"""The audit log: written by the services, append-only, and its chain detects edits."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from models.audit import list_entries, verify_chain
from models.db import Database
from models.entities import AuditEntry
from models.enums import AuditAction
from models.notes import NoteInput, create_note, delete_note, list_notes, update_note
from tests.models.factories import member


def test_services_write_a_sound_chain(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        mid = member(s, branch_id, "张同志")
        nid = create_note(s, branch_id, NoteInput(date(2026, 3, 1), "学习党章心得", content="……", hours=2.5,
                                                  member_id=mid))
        update_note(s, nid, NoteInput(date(2026, 3, 1), "学习党章心得（修改）", hours=3, member_id=mid))
    with db.transaction() as s:
        delete_note(s, nid)
    with db.reading() as s:
        actions = [e.action for e in reversed(list_entries(s))]
        assert verify_chain(s) is None
        assert list_notes(s, branch_id) == []
    assert actions == [AuditAction.CREATE, AuditAction.CREATE, AuditAction.CREATE, AuditAction.UPDATE,
                       AuditAction.DELETE]


def test_database_refuses_to_edit_the_log(db: Database, branch_id: int) -> None:
    with pytest.raises(IntegrityError, match="append-only"), db.transaction() as s:
        s.query(AuditEntry).update({"summary": "篡改"})
    with pytest.raises(IntegrityError, match="append-only"), db.transaction() as s:
        s.query(AuditEntry).delete()


def test_chain_detects_an_edited_row(db: Database, branch_id: int, db_path: Path) -> None:
    with db.transaction() as s:
        for name in ("甲", "乙", "丙"):
            member(s, branch_id, name)
    db.close()
    # Someone bypasses the app: drops the guard and edits the second entry.
    con = sqlite3.connect(db_path)
    con.execute("DROP TRIGGER audit_entry_no_update")
    con.execute("UPDATE audit_entry SET summary = '新增党员“丁”' WHERE id = 3")
    con.commit()
    con.close()
    with db.reading() as s:
        assert verify_chain(s) == 3


def test_note_validation(db: Database, branch_id: int) -> None:
    from models.errors import ValidationError

    cases = [
        (NoteInput(date(2026, 3, 1), " "), "title"),
        (NoteInput(None, "标题"), "studied_on"),
        (NoteInput(date(2099, 3, 1), "标题"), "studied_on"),
        (NoteInput(date(2026, 3, 1), "标题", hours=25), "hours"),
        (NoteInput(date(2026, 3, 1), "标题", member_id=999), "member_id"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as err, db.transaction() as s:
            create_note(s, branch_id, data)
        assert err.value.field == field
    with db.reading() as s:
        assert list_notes(s, branch_id) == []
