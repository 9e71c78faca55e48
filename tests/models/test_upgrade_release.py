"""A database written by the released 0.1.0 (schema 0002, made by its `demo --years 1 --members 10`)
opens in today's version with nothing lost, and a failing upgrade leaves it exactly as it was."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from models import paths
from models.compliance import compliance_for_year
from models.db import head_revision, open_database

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "release-0.1.0-0002.sqlite3"
TABLES = ("branch", "party_group", "member", "member_status", "meeting", "attendance", "agenda_item",
          "guest", "study_note", "action_item", "audit_entry")


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


@pytest.fixture
def released(tmp_path: Path) -> Path:
    path = tmp_path / "旧版本 记录本.sqlite3"
    shutil.copyfile(FIXTURE, path)
    return path


def test_release_database_upgrades_without_losing_anything(released: Path) -> None:
    before = _counts(released)
    assert before["meeting"] == 73 and before["attendance"] == 299
    con = sqlite3.connect(released)
    officers = con.execute("SELECT id, branch_role, joined_on FROM member WHERE branch_role != 'none' "
                           "ORDER BY id").fetchall()
    grouped = con.execute("SELECT id, group_id, joined_on FROM member WHERE group_id IS NOT NULL "
                          "ORDER BY id").fetchall()
    con.close()
    assert officers and grouped

    db = open_database(released)
    try:
        assert db.backup_before_upgrade is not None and db.backup_before_upgrade.exists()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
            terms = conn.exec_driver_sql("SELECT member_id, office, start_on FROM office_term "
                                         "WHERE end_on IS NULL ORDER BY member_id").all()
            groups = conn.exec_driver_sql("SELECT member_id, group_id, start_on FROM group_membership "
                                          "WHERE end_on IS NULL ORDER BY member_id").all()
        assert [tuple(t) for t in terms] == [tuple(o) for o in officers]
        assert [tuple(g) for g in groups] == [tuple(m) for m in grouped]
        with db.reading() as s:
            branch_id = s.execute(text("SELECT id FROM branch")).scalar_one()
            report = compliance_for_year(s, branch_id, 2026)
        assert report is not None
    finally:
        db.close()
    assert _counts(released) == before


def test_failing_upgrade_of_a_release_database_changes_nothing(released: Path, tmp_path: Path) -> None:
    digest = hashlib.sha256(released.read_bytes()).hexdigest()
    scripts = tmp_path / "migrations"
    shutil.copytree(paths.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_broken.py").write_text(
        '"""a migration made to fail after 0003 ran"""\n'
        "from alembic import op\n"
        f'revision = "9999"\ndown_revision = "{head_revision()}"\nbranch_labels = None\n'
        "depends_on = None\n\n"
        "def upgrade():\n"
        '    op.execute("DELETE FROM attendance")\n'
        '    raise RuntimeError("migration failed midway")\n\n'
        "def downgrade():\n    pass\n",
        encoding="utf-8",
    )
    with pytest.raises(RuntimeError, match="midway"):
        open_database(released, script_location=scripts)
    con = sqlite3.connect(released)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "office_term" not in tables and "store_info" not in tables
        assert con.execute("SELECT count(*) FROM attendance").fetchone()[0] == 299
    finally:
        con.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{released}{suffix}").unlink(missing_ok=True)
    assert hashlib.sha256(released.read_bytes()).hexdigest() == digest


def _lecturers(path: Path) -> dict[int, tuple[str, str | None]]:
    """党课 id → (授课人 text, name of the linked member or None)."""
    con = sqlite3.connect(path)
    try:
        return {i: (t, n) for i, t, n in con.execute(
            "SELECT m.id, m.lecturer, x.name FROM meeting m LEFT JOIN member x ON x.id = m.lecturer_member_id "
            "WHERE m.meeting_type = 'party_lecture' ORDER BY m.id")}
    finally:
        con.close()


def test_upgrade_links_the_released_lecturers_to_members(released: Path) -> None:
    """Each 党课 of the release names one member of the branch: the upgrade links it to that person."""
    db = open_database(released)
    db.close()
    assert _lecturers(released) == {16: ("陶德明", "陶德明"), 34: ("董振华", "董振华"),
                                    50: ("戴斌", "戴斌"), 70: ("戴斌", "戴斌")}


def test_upgrade_leaves_outside_and_ambiguous_lecturers_unlinked(released: Path) -> None:
    """A title around the name still links; a name nobody on the roll bears, or one two members
    share, stays an outside lecturer (no link, the text kept)."""
    con = sqlite3.connect(released)
    with con:
        con.execute("UPDATE meeting SET lecturer = '陶德明书记' WHERE id = 16")
        con.execute("UPDATE meeting SET lecturer = '上级党委宣讲员' WHERE id = 50")
        namesake = con.execute("SELECT min(id) FROM member WHERE name NOT IN ('董振华', '戴斌', '陶德明')").fetchone()[0]
        con.execute("UPDATE member SET name = '董振华' WHERE id = ?", (namesake,))
    con.close()
    db = open_database(released)
    db.close()
    assert _lecturers(released) == {16: ("陶德明书记", "陶德明"), 34: ("董振华", None),
                                    50: ("上级党委宣讲员", None), 70: ("戴斌", "戴斌")}
