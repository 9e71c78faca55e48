"""Shared fixtures: a fresh database file per test, user data redirected to tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from models import paths
from models.db import Database, open_database


@pytest.fixture(autouse=True)
def _user_data(tmp_path: Path) -> Iterator[Path]:
    """Every test gets its own user data folder: nothing touches a real profile."""
    folder = tmp_path / "userdata"
    paths.set_base_dir(folder)
    yield folder
    paths.set_base_dir(None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "records.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def branch_id(db: Database) -> int:
    from models.roster import create_branch

    with db.transaction() as s:
        return create_branch(s, "测试第一党支部", "中共测试局机关委员会", date(2001, 7, 1))
