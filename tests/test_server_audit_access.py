"""操作日志 and tombstones by branch on a committee's server (migration 0009s): a branch's role reads
only its own branch's log entries, still appends to the server's one hash chain (whose tail it gets
through branchbook_audit_tail(), not by reading other branches' rows), and may leave tombstones only
for its own branches. `check` verifies the whole chain for a committee role and says why it cannot
for a branch role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

import main
from models import audit
from models.db import open_database
from models.entities import AuditEntry, Branch, Tombstone, new_uuid, utcnow
from models.enums import AuditAction, MeetingType
from models.meetings import MeetingInput, create_meeting
from tests.test_server_access import _as, _two_branches, roles  # noqa: F401 - the roles fixture


def test_a_branch_role_reads_only_its_log_and_still_extends_the_one_chain(
        pg_url: str, roles: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    (other, _first), (own, second) = _two_branches(pg_url, tmp_path, capsys)
    secretary, _committee = roles
    assert main.main(["server", "grant", "--db", pg_url, "--branch", second, "--role", secretary]) == 0
    admin = open_database(pg_url)
    with admin.reading() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.branch_id == other)), "the demo branch logs"
        other_uuid = s.scalar(select(Branch.uuid).where(Branch.id == other))
    admin.close()

    mine = open_database(_as(pg_url, secretary))
    try:
        with mine.transaction() as s:  # appending needs the tail's hash, which it may not read
            create_meeting(s, own, MeetingInput(MeetingType.OTHER, "谈心谈话", date(2026, 3, 5)))
            create_meeting(s, own, MeetingInput(MeetingType.OTHER, "谈心谈话（二）", date(2026, 3, 9)))
        with mine.reading() as s:
            seen = set(s.scalars(select(AuditEntry.branch_id).distinct()))
            assert seen == {own}, seen  # no other branch's summaries, no committee-wide entries
        with pytest.raises(DBAPIError), mine.transaction() as s:
            audit.record(s, AuditAction.UPDATE, "branch", summary="冒名写入", branch_id=other)
        with pytest.raises(DBAPIError), mine.transaction() as s:  # a tombstone only for its own branches
            s.execute(insert(Tombstone).values(uuid=new_uuid(), entity="meeting", branch_uuid=other_uuid,
                                               deleted_at=utcnow()))
    finally:
        mine.close()

    # the committee's check walks the whole chain, the secretary's appends included
    assert main.main(["check", "--db", pg_url]) == 0
    assert "检查结果：正常" in capsys.readouterr().out
    # the secretary's check cannot see the whole chain: it says so instead of calling it broken
    assert main.main(["check", "--db", _as(pg_url, secretary)]) == 0
    assert "党委" in capsys.readouterr().out
