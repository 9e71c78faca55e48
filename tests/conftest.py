"""Shared fixtures: a fresh database file per test, user data redirected to tmp_path, a small
full-able disk (tmpfs) for the full-disk tests."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui.refcount_guard import pin_singletons

pin_singletons()  # a long GUI test run on Python 3.11 would otherwise abort at exit (see the module)

from models import paths
from models.db import Database, open_database
from tests.pg_fixtures import pg_empty_url, pg_server, pg_template, pg_url  # noqa: F401 - fixtures

_PG_FIXTURES = {"pg_server", "pg_url", "pg_empty_url", "pg_template"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on a PostgreSQL server is marked ``postgres`` (select with -m postgres)."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & _PG_FIXTURES:
            item.add_marker(pytest.mark.postgres)


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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module with ``BOTH_ENGINES = True`` runs its tests on an SQLite file and on a PostgreSQL server."""
    if getattr(metafunc.module, "BOTH_ENGINES", False) and "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                             indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """Which engine the ``db`` fixture opens: "sqlite" unless the module asks for both."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db(db_path: Path, engine: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    database = open_database(request.getfixturevalue("pg_url") if engine == "postgres" else db_path)
    yield database
    database.close()


@pytest.fixture
def branch_id(db: Database) -> int:
    from models.roster import create_branch

    with db.transaction() as s:
        return create_branch(s, "测试第一党支部", "中共测试局机关委员会", date(2001, 7, 1))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (root only: CI runs as root; elsewhere the test is skipped)."""
    point = tmp_path / "disk"
    point.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", str(point)],
                              capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("mount is not available here")
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=20, check=False)


def fill_disk(folder: Path, name: str = "filler.bin") -> Path:
    filler = folder / name
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler
