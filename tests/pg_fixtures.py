"""Fixtures for the tests marked ``postgres``: a real PostgreSQL server, a fresh database per test.

The server is ``$BRANCHBOOK_TEST_PG_URL`` (``.ci/run`` starts one and sets it); without it, a
throw-away cluster is started here when PostgreSQL's server programs are installed
(tests/pg_cluster.py), so developers get the same tests; otherwise the tests are skipped and say why.
Each test gets its own database, copied from a template migrated once per run (CREATE DATABASE …
TEMPLATE: a few dozen milliseconds instead of running every migration again).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg_cluster

_counter = itertools.count()


def _admin_engine(url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database ('postgres'), as its superuser."""
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("PostgreSQL tests skipped: the driver psycopg is not installed (pip install -e '.[test]')")
    url = os.environ.get(pg_cluster.URL_ENV)
    folder: Path | None = None
    if not url:
        if pg_cluster.bin_dir() is None:
            pytest.skip(f"PostgreSQL tests skipped: no server (${pg_cluster.URL_ENV} unset) and no initdb/pg_ctl "
                        "installed to start one (apt-get install postgresql)")
        folder = Path(tempfile.mkdtemp(prefix="bb-pg-"))
        try:
            url = pg_cluster.start_watched(folder)
        except (RuntimeError, OSError) as exc:
            pg_cluster.stop(folder)
            pytest.skip(f"PostgreSQL tests skipped: could not start a throw-away cluster ({exc})")
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means: skip, saying why
        engine.dispose()
        if folder is not None:
            pg_cluster.stop(folder)
        pytest.skip(f"PostgreSQL tests skipped: server {url} not reachable ({type(exc).__name__})")
    engine.dispose()
    try:
        yield url
    finally:
        if folder is not None:
            pg_cluster.stop(folder)


def database_url(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    """A database at the newest schema, the template every test's database is copied from."""
    from models.db import open_database

    name = f"bb_template_{os.getpid()}"
    engine = _admin_engine(pg_server)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    open_database(database_url(pg_server, name)).close()
    try:
        yield name
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        engine.dispose()


def new_database(server: str, template: str | None) -> str:
    """A new empty (``template`` None) or migrated database; returns its URL."""
    name = f"bb_test_{os.getpid()}_{next(_counter)}"
    engine = _admin_engine(server)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    finally:
        engine.dispose()
    return database_url(server, name)


def drop_database(server: str, url: str) -> None:
    engine = _admin_engine(server)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
    finally:
        engine.dispose()


@pytest.fixture
def pg_url(pg_server: str, pg_template: str) -> Iterator[str]:
    """The URL of a fresh database at the newest schema, dropped after the test."""
    url = new_database(pg_server, pg_template)
    yield url
    drop_database(pg_server, url)


@pytest.fixture
def pg_empty_url(pg_server: str) -> Iterator[str]:
    """The URL of a fresh, empty database (no tables): what a server's administrator hands over."""
    url = new_database(pg_server, None)
    yield url
    drop_database(pg_server, url)

