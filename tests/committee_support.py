"""A committee's database for tests: small demo branches made in their own files, backed up,
and merged into one database — the way a 党委 collects them (SPEC §1)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from models import paths
from models.backup import create_backup
from models.db import open_database
from models.demo import generate_demo
from models.merge import merge_backup

# seed → demo branch: 2 市财政局机关第一党支部, 1 市教育局机关第二党支部, 5 城关街道幸福社区党支部,
# 3 市教育局机关第二党支部 again (another PC typed the same branch in: 同名党支部)
SEEDS = (2, 1, 5)


def _retype(path: Path) -> None:
    """New uuids for every record: the same branch typed in by hand on another PC."""
    con = sqlite3.connect(path)
    with con:
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            if any(col[1] == "uuid" for col in con.execute(f"PRAGMA table_info({table})")) and table not in ("tombstone", "audit_entry"):
                con.execute(f"UPDATE {table} SET uuid = lower(hex(randomblob(16)))")
    con.close()


def branch_backups(folder: Path, seeds: tuple[int, ...] = SEEDS) -> list[Path]:
    """A backup of a small demo branch per seed; a seed given twice is the same branch typed in
    again on another PC (same people, other uuids)."""
    backups = []
    for n, seed in enumerate(seeds):
        path = folder / f"branch{n}-{seed}.sqlite3"
        db = open_database(path)
        generate_demo(db, years=1, members=10, seed=seed)
        db.close()
        if seed in seeds[:n]:
            _retype(path)
        backups.append(create_backup(path, folder).path)
    return backups


def committee_db(folder: Path, seeds: tuple[int, ...] = SEEDS) -> Path:
    """A database holding the demo branches of ``seeds``, merged from their backups."""
    path = folder / "committee.sqlite3"
    backups = branch_backups(folder, seeds)
    db = open_database(path)
    try:
        for backup in backups:
            merge_backup(db, backup)
    finally:
        db.close()
    return path


def shared_committee(factory: pytest.TempPathFactory) -> Path:
    """Build once per test session (merging takes seconds); tests copy it before writing."""
    global _SHARED
    if _SHARED is None or not _SHARED.exists():
        folder = factory.mktemp("committee")
        paths.set_base_dir(folder / "userdata")
        try:
            _SHARED = committee_db(folder)
        finally:
            paths.set_base_dir(None)
    return _SHARED


_SHARED: Path | None = None


def committee_copy(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A private copy of the committee database (three merged demo branches)."""
    copy = tmp_path / "committee.sqlite3"
    shutil.copyfile(shared_committee(tmp_path_factory), copy)
    return copy
