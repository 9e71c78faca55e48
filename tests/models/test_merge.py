"""Merging another branch's backup: idempotent, ids remapped through UUIDs, conflicts resolved
by the newest edit with the other version kept in the audit log."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

import main
from models.audit import list_entries, verify_chain
from models.backup import create_backup
from models.db import Database, open_database
from models.enums import AuditAction
from models.meetings import get_meeting, list_meetings, update_meeting
from models.merge import merge_backup
from models.restore import restore_file
from models.roster import list_branches, list_groups, list_members
from tests.models.backup_support import populate, table_digests


def _other_branch_backup(tmp_path: Path) -> Path:
    other = open_database(tmp_path / "other.sqlite3")
    populate(other, name="第二党支部", members=5, meetings=3)
    info = create_backup(other.path, tmp_path, passphrase="pw")
    other.close()
    return info.path


def test_merge_adds_the_other_branch_once(db: Database, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    populate(db, members=3, meetings=2)
    backup = _other_branch_backup(tmp_path)
    summary = merge_backup(db, backup, "pw")
    assert summary.added["branch"] == 1 and summary.added["meeting"] == 3
    assert summary.added["attendance"] == 15
    assert "新增" in summary.describe() and "第二党支部" in summary.describe()
    with db.reading() as s:
        branches = {b.name: b.id for b in list_branches(s)}
        assert set(branches) == {"测试第一党支部", "第二党支部"}
        theirs = branches["第二党支部"]
        members = {m.id: m.name for m in list_members(s, theirs)}
        assert len(members) == 5 and all(n.startswith("第二") for n in members.values())
        (group,) = list_groups(s, theirs)
        assert group.leader_id in members  # the deferred reference was remapped
        for row in list_meetings(s, theirs):
            detail = get_meeting(s, row.id)
            assert {a.member_id for a in detail.attendance} == set(members)
        assert len(list_meetings(s, branches["测试第一党支部"])) == 2
        assert verify_chain(s) is None
    before = table_digests(db.path)
    db.close()
    secret = tmp_path / "pw.txt"
    secret.write_text("pw", encoding="utf-8")
    assert main.main(["merge", str(backup), "--db", str(db.path), "--passphrase-file", str(secret)]) == 0
    assert "没有新的或更新的记录" in capsys.readouterr().out
    assert table_digests(db.path) == before  # merging twice changes nothing


def test_same_record_edited_on_two_pcs_newest_wins_other_logged(db: Database, tmp_path: Path) -> None:
    branch_id = populate(db, meetings=2)
    shared = create_backup(db.path, tmp_path).path
    # the second PC starts from the same backup
    second_path = tmp_path / "second.sqlite3"
    restore_file(second_path, shared, keep_safety_copy=False)
    second = open_database(second_path)
    with db.reading() as s:
        first_id, second_id = sorted(r.id for r in list_meetings(s, branch_id))

    def retitle(database: Database, meeting_id: int, title: str) -> None:
        with database.transaction() as s:
            data = get_meeting(s, meeting_id).to_input()
            update_meeting(s, meeting_id, dataclasses.replace(data, title=title))
        time.sleep(0.01)

    retitle(db, first_id, "本机较早的修改")
    retitle(second, first_id, "第二台电脑较新的修改")
    retitle(second, second_id, "第二台电脑较早的修改")
    retitle(db, second_id, "本机较新的修改")
    other = create_backup(second_path, tmp_path).path
    second.close()

    summary = merge_backup(db, other)
    assert summary.updated.get("meeting") == 1 and summary.kept.get("meeting") == 1
    assert not summary.added.get("meeting")
    with db.reading() as s:
        assert get_meeting(s, first_id).title == "第二台电脑较新的修改"
        assert get_meeting(s, second_id).title == "本机较新的修改"
        merges = [e for e in list_entries(s) if e.action == AuditAction.MERGE and e.entity == "meeting"]
        losers = {json.loads(e.detail)["other_version"]["title"] for e in merges}
        assert losers == {"本机较早的修改", "第二台电脑较早的修改"}
        assert verify_chain(s) is None
        audit_count = len(list_entries(s))
    again = merge_backup(db, other)
    assert not again.changed and not again.kept
    with db.reading() as s:
        assert len(list_entries(s)) == audit_count


def test_backup_from_an_older_version_is_upgraded_for_merge_and_restore(db: Database, tmp_path: Path) -> None:
    from models.db import head_revision, inspect_file
    old = open_database(tmp_path / "old.sqlite3", target="0001")
    with old.engine.begin() as conn:  # today's entities have columns that 0001 lacks: plain SQL
        conn.exec_driver_sql("INSERT INTO branch (name, superior_org, uuid, created_at, updated_at) "
                             "VALUES ('老版本党支部', '', 'old-branch', '2020-01-01', '2020-01-01')")
    backup = create_backup(old.path, tmp_path).path
    old.close()
    populate(db)
    summary = merge_backup(db, backup)
    assert summary.added == {"branch": 1}
    db.close()
    restore_file(db.path, backup)
    assert inspect_file(db.path).revision == head_revision()
    restored = open_database(db.path)
    with restored.reading() as s:
        assert [b.name for b in list_branches(s)] == ["老版本党支部"]
    restored.close()


def test_a_branch_with_final_meetings_arrives_whole_and_only_once(db: Database, tmp_path: Path) -> None:
    """定稿 there is not 定稿 here: a meeting finalized in the other file is new here, and its
    attendance and agenda come with it (only meetings 定稿 *here before the merge* are guarded)."""
    from datetime import date

    from models.meetings import finalize_meeting

    other = open_database(tmp_path / "other.sqlite3")
    branch = populate(other, name="第二党支部", members=4, meetings=3)
    with other.reading() as s:
        ids = [r.id for r in list_meetings(s, branch)]
    with other.transaction() as s:
        for meeting_id in ids[:2]:
            data = get_meeting(s, meeting_id).to_input()
            update_meeting(s, meeting_id, dataclasses.replace(data, host="张书记", recorder="李委员"))
    with other.transaction() as s:
        for meeting_id in ids[:2]:
            finalize_meeting(s, meeting_id, today=date(2027, 1, 1))
    backup = create_backup(other.path, tmp_path).path
    other.close()
    summary = merge_backup(db, backup)
    assert summary.added["meeting"] == 3 and summary.added["attendance"] == 12
    assert not summary.conflicts
    before = table_digests(db.path)
    again = merge_backup(db, backup)  # now they are 定稿 here: the same version sets nothing aside
    assert not again.changed and not again.kept and not again.conflicts
    assert table_digests(db.path) == before
