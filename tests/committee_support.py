"""A committee's database for tests: small demo branches made in their own files, backed up,
and merged into one database — the way a 党委 collects them (SPEC §1)."""

from __future__ import annotations

import shutil
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


def branch_backups(folder: Path, seeds: tuple[int, ...] = SEEDS) -> list[Path]:
    backups = []
    for seed in seeds:
        db = open_database(folder / f"branch{seed}.sqlite3")
        generate_demo(db, years=1, members=10, seed=seed)
        db.close()
        backups.append(create_backup(folder / f"branch{seed}.sqlite3", folder).path)
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
