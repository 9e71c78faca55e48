"""Opening, creating, upgrading and refusing database files (models/db.py)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import paths
from models.db import APPLICATION_ID, head_revision, open_database
from models.entities import Base
from models.errors import DatabaseFileError


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_created_at_newest_schema_with_pragmas(db_path: Path) -> None:
    db = open_database(db_path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        # The migrations produce exactly what the ORM classes declare.
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.close()
    assert version == head_revision()
    assert diff == []


def test_default_path_is_in_user_data_folder(_user_data: Path) -> None:
    assert paths.default_db_path().parent == _user_data
    db = open_database()
    db.close()
    assert (_user_data / paths.DB_FILENAME).exists()


def test_old_schema_is_upgraded_after_a_copy(db_path: Path) -> None:
    old = open_database(db_path, target="0001")
    with old.engine.connect() as conn:
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    old.close()
    assert "branch_setting" not in tables
    with sqlite3.connect(db_path) as con:
        con.execute("INSERT INTO branch (name, superior_org, id, uuid, created_at, updated_at) "
                    "VALUES ('老支部', '', 1, 'u-1', '2020-01-01', '2020-01-01')")
        con.execute("INSERT INTO party_group (branch_id, name, sort_order, id, uuid, created_at, updated_at)"
                    " VALUES (1, '第一党小组', 0, 1, 'g-1', '2020-01-01', '2020-01-01')")
        for mid, role, committee, group in ((1, "secretary", 1, 1), (2, "none", 1, None),
                                            (3, "none", 0, 1)):
            con.execute("INSERT INTO member (branch_id, group_id, name, gender, ethnicity, phone, "
                        "id_number, joined_on, category, branch_role, is_committee, note, id, uuid, "
                        "created_at, updated_at) VALUES (1, ?, '张三', '男', '汉族', '', '', "
                        "'2000-01-01', 'full', ?, ?, '', ?, ?, '2020-01-01', '2020-01-01')",
                        (group, role, committee, mid, f"m-{mid}"))
    con.close()

    db = open_database(db_path)
    assert db.backup_before_upgrade is not None and db.backup_before_upgrade.exists()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
        assert conn.exec_driver_sql("SELECT name FROM branch").scalar() == "老支部"
        conn.exec_driver_sql("SELECT count(*) FROM branch_setting").scalar()
        # 0003: today's offices and groups become open terms from the member's join date
        terms = conn.exec_driver_sql(
            "SELECT member_id, office, start_on, end_on FROM office_term ORDER BY member_id").all()
        assert terms == [(1, "secretary", "2000-01-01", None), (2, "other_committee", "2000-01-01", None)]
        groups = conn.exec_driver_sql("SELECT member_id, group_id FROM group_membership "
                                      "ORDER BY member_id").all()
        assert groups == [(1, 1), (3, 1)]
        assert len(conn.exec_driver_sql(
            "SELECT value FROM store_info WHERE key='database_uuid'").scalar() or "") == 36
    db.close()
    with sqlite3.connect(db.backup_before_upgrade) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    con.close()


def test_failing_migration_rolls_back_whole(db_path: Path, tmp_path: Path) -> None:
    open_database(db_path, target="0001").close()
    scripts = tmp_path / "migrations"
    shutil.copytree(paths.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_broken.py").write_text(
        '"""a migration made to fail"""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n"
        f'revision = "9999"\ndown_revision = "{head_revision()}"\nbranch_labels = None\ndepends_on = None\n\n'
        "def upgrade():\n"
        '    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))\n'
        '    op.execute("INSERT INTO half_done (id) VALUES (1)")\n'
        '    raise RuntimeError("migration failed midway")\n\n'
        "def downgrade():\n    pass\n",
        encoding="utf-8",
    )
    with pytest.raises(RuntimeError, match="midway"):
        open_database(db_path, script_location=scripts)
    with sqlite3.connect(db_path) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    # Neither 0002's table nor the broken migration's table survived: the upgrade was one transaction.
    assert version == "0001"
    assert "branch_setting" not in tables and "half_done" not in tables


def test_newer_database_is_refused_unchanged(db_path: Path) -> None:
    open_database(db_path).close()
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.close()
    before = _digest(db_path)
    with pytest.raises(DatabaseFileError, match="更新版本"):
        open_database(db_path)
    assert _digest(db_path) == before


def test_foreign_sqlite_file_is_refused_unchanged(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE contacts (name TEXT)")
    con.close()
    before = _digest(other)
    with pytest.raises(DatabaseFileError, match="其他软件"):
        open_database(other)
    assert _digest(other) == before


def test_text_file_is_refused_unchanged(tmp_path: Path) -> None:
    text = tmp_path / "README.md"
    text.write_text("# 说明\n这不是数据库。\n", encoding="utf-8")
    before = _digest(text)
    with pytest.raises(DatabaseFileError, match="不是支部工作记录本的数据库"):
        open_database(text)
    assert _digest(text) == before
    assert not (tmp_path / "README.md-wal").exists()


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseFileError, match="文件夹"):
        open_database(tmp_path)


def test_empty_file_becomes_a_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    open_database(empty).close()
    with sqlite3.connect(empty) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def _alembic_revisions(scripts: Path) -> tuple[str | None, set[str]]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    script = ScriptDirectory.from_config(cfg)
    return script.get_current_head(), {rev.revision for rev in script.walk_revisions()}


def test_schema_version_read_without_alembic_agrees_with_alembic(tmp_path: Path) -> None:
    from models.db import known_revisions

    assert (head_revision(), set(known_revisions())) == _alembic_revisions(paths.migrations_dir())
    # A newer script, declared in the newer annotated style, becomes the head for both readers.
    scripts = tmp_path / "migrations"
    shutil.copytree(paths.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0099_next.py").write_text(
        '"""next"""\nfrom typing import Sequence, Union\n'
        f'revision: str = "0099"\ndown_revision: Union[str, None] = "{head_revision()}"\n'
        "branch_labels = None\ndepends_on = None\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    pass\n",
        encoding="utf-8",
    )
    assert (head_revision(scripts), set(known_revisions(scripts))) == _alembic_revisions(scripts)
    assert head_revision(scripts) == "0099"


def test_commands_that_do_not_migrate_never_import_alembic(tmp_path: Path) -> None:
    """Reading the schema version must not cost every command Alembic's import (≈ 0.5 s)."""
    import subprocess
    import sys

    db_file = tmp_path / "ready.sqlite3"
    open_database(db_file).close()
    program = ("import sys, main\ncode = main.main(['check', '--db', sys.argv[1]])\n"
               "print('alembic' in sys.modules, code)")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", program, str(db_file)], cwd=root, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.stdout.strip().splitlines()[-1] == "False 0", done.stdout + done.stderr
