"""Opening a BranchBook database: path → engine + session factory.

* A new or empty file is created at the newest schema by running every migration.
* An older file is copied aside, then upgraded; the whole upgrade is one SQLite
  transaction (non-legacy transaction mode: pysqlite's own transaction handling is
  switched off and SQLAlchemy emits BEGIN itself), so a failing migration leaves the
  file exactly as it was.
* A file written by a newer version, a foreign SQLite file, or something that is not a
  database at all is refused with a Chinese message, and left untouched.
"""

from __future__ import annotations

import ast
import functools
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import paths
from models.errors import (
    DatabaseFileError,
    explain,
    is_damage,
    os_error_text,
    sqlite_error_text,
)
from models.privacy import database_files, make_private, private_folder

if TYPE_CHECKING:  # SQLAlchemy is imported when a session is first needed (see Database)
    from sqlalchemy import URL, Engine
    from sqlalchemy.orm import Session, sessionmaker

#: PRAGMA application_id of every BranchBook database ("BBK1").
APPLICATION_ID = 0x42424B31
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


@dataclass
class FileInfo:
    """What a read-only look at a database file found."""

    exists: bool
    is_sqlite: bool = False
    application_id: int = 0
    table_count: int = 0
    revision: str | None = None
    tables: set[str] = field(default_factory=set)

    @property
    def is_blank(self) -> bool:
        """No file, an empty file, or an SQLite file with nothing in it: safe to create."""
        return not self.exists or (self.is_sqlite and self.table_count == 0)


def core_rows(session: Session, statement: Any, params: Mapping[str, Any]) -> Sequence[Any]:
    """The rows of a Core statement as plain tuples, within the session's transaction — after
    flushing pending ORM changes, which a statement on the connection does not autoflush."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, dict(params)).all()  # type: ignore[no-any-return]


class Database:
    """An open database: the engine and the session factory every service uses.

    Both are made on first use: a command or window that reads the file with plain ``sqlite3``
    first (``check``, the window's first paint) does not wait for SQLAlchemy to import."""

    def __init__(self, path: Path, engine: Engine | None = None, session_factory: sessionmaker[Session] | None = None,
                 backup_before_upgrade: Path | None = None, url: URL | None = None) -> None:
        self.path = path
        self._engine = engine
        self._session_factory = session_factory
        self.backup_before_upgrade = backup_before_upgrade
        self.url = url  # a server's address (models.server); None for a file

    @property
    def label(self) -> str:
        """What a person is shown: the file's path, or a server's ``用户@主机:端口/库名`` (no password)."""
        if self.url is None:
            return str(self.path)
        return f"{self.url.username}@{self.url.host}:{self.url.port or 5432}/{self.url.database}"

    @property
    def is_server(self) -> bool:
        """A PostgreSQL server rather than an SQLite file: file operations do not apply."""
        return self.url is not None

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._connect()
        assert self._engine is not None
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def session_factory(self) -> sessionmaker[Session]:
        if self._session_factory is None:
            self._connect()
        assert self._session_factory is not None
        return self._session_factory

    @session_factory.setter
    def session_factory(self, factory: sessionmaker[Session]) -> None:
        self._session_factory = factory

    @property
    def connected(self) -> bool:
        """Whether the engine (and with it SQLAlchemy) is there yet."""
        return self._engine is not None

    def _connect(self) -> None:
        from sqlalchemy.orm import sessionmaker

        if self._engine is None:
            self._engine = make_engine(self.path)
        if self._session_factory is None:
            self._session_factory = sessionmaker(self._engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back on any exception."""
        with self.session_factory.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; nothing is committed."""
        with self.session_factory() as session:
            yield session

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _install_pragmas(engine: Engine, path: Path, *, foreign_keys: bool) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Non-legacy transactions: pysqlite must not BEGIN on its own.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()
        make_private(*database_files(path))  # personal data: owner only (-wal/-shm exist now)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


#: what the address of a server looks like: ``scheme://…`` (models.server)
SERVER_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def is_server_url(value: object) -> bool:
    """True for a server address (``postgresql+psycopg://…``), False for a file path. Here, not
    in models.server, so that telling them apart does not import SQLAlchemy."""
    return isinstance(value, str) and bool(SERVER_URL.match(value))


def sqlite_url(path: Path) -> URL:
    """The SQLAlchemy URL of a database file. Built, never formatted: in ``f"sqlite:///{path}"``
    a ``?`` or ``#`` in a file name starts a query or fragment and ``%41`` is decoded, so the
    engine would open (and create) some other file."""
    from sqlalchemy import URL

    return URL.create("sqlite", database=str(path))


def readonly_uri(path: Path) -> str:
    """An SQLite ``file:`` URI opening ``path`` read-only; ``as_uri`` percent-encodes ``?``,
    ``#``, ``%``, spaces and Chinese, which SQLite decodes."""
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def make_engine(path: Path, *, foreign_keys: bool = True, pooled: bool = True) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from models import tombstones as _tombstones  # noqa: F401 - every deletion leaves a tombstone

    kwargs: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    engine = create_engine(sqlite_url(path), **kwargs)
    _install_pragmas(engine, path, foreign_keys=foreign_keys)
    return engine


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` starts with SQLite's header (False when it cannot be read)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def inspect_file(path: Path) -> FileInfo:
    """Look at a file without changing it (read-only, immutable URI)."""
    if not path.exists():
        return FileInfo(exists=False)
    if path.is_dir():
        raise DatabaseFileError(f"“{path}”是一个文件夹，不是数据库文件。请选择数据库文件。")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseFileError(f"无法读取文件“{path}”：{os_error_text(exc)}。") from exc
    if header == b"":
        return FileInfo(exists=True, is_sqlite=True)
    if header != SQLITE_HEADER:
        return FileInfo(exists=True, is_sqlite=False)
    try:
        con = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):  # a full disk, a busy or unreadable file: a backup would not help
            raise DatabaseFileError(explain(exc, near=path) or
                                    f"文件“{path.name}”暂时无法打开（{sqlite_error_text(exc)}）。") from exc
        raise DatabaseFileError(
            f"文件“{path.name}”无法作为数据库打开（{sqlite_error_text(exc)}）。请从备份恢复。"
        ) from exc
    return FileInfo(
        exists=True,
        is_sqlite=True,
        application_id=app_id,
        table_count=len(tables),
        revision=revision,
        tables=tables,
    )


def alembic_config(connection: Any, script_location: Path | None) -> Any:
    from alembic.config import Config  # Alembic is imported only when a migration runs

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or paths.migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


def _revision_ids(value: ast.expr | None) -> tuple[str, ...]:
    """The ids of a ``revision`` / ``down_revision`` value: a string, None, or a tuple of them."""
    if value is None:
        return ()
    literal = ast.literal_eval(value)
    if literal is None:
        return ()
    return (literal,) if isinstance(literal, str) else tuple(literal)


_REVISION_LINE = re.compile(r"(revision|down_revision)\s*(:[^=]*)?=")


def _revision_statements(source: str, filename: str) -> list[ast.stmt]:
    """The top-level statements of a migration script that assign ``revision`` or
    ``down_revision``: only those lines are parsed (parsing whole scripts cost the window's
    start ~20 ms); the whole file when a statement does not parse on its own."""
    lines = source.splitlines()
    picked: list[str] = []
    for number, line in enumerate(lines):
        if not _REVISION_LINE.match(line):
            continue
        for end in range(number + 1, min(number + 20, len(lines)) + 1):  # a value may span lines
            statement = "\n".join(lines[number:end])
            try:
                ast.parse(statement)
            except SyntaxError:
                continue
            picked.append(statement)
            break
        else:
            return ast.parse(source, filename).body
    return ast.parse("\n".join(picked), filename).body


def _script_revisions(script: Path) -> tuple[str, tuple[str, ...]] | None:
    """(revision, down revisions) of one migration script, read from its source without
    running it; None for a file that declares no revision (``__init__.py``)."""
    found: dict[str, ast.expr | None] = {}
    for node in _revision_statements(script.read_text(encoding="utf-8"), str(script)):
        target: ast.expr
        value: ast.expr | None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            found[target.id] = value
    if "revision" not in found:
        return None
    (revision,) = _revision_ids(found["revision"])
    return revision, _revision_ids(found.get("down_revision"))


@functools.cache
def _revisions(script_location: Path | None) -> tuple[str, frozenset[str]]:
    """(head, every known revision) of a migrations folder, read once per process from the
    scripts' ``revision`` / ``down_revision`` lines — importing Alembic just to learn these
    would cost every command half a second; tests check this agrees with Alembic."""
    folder = (script_location or paths.migrations_dir()) / "versions"
    scripts = sorted(f for f in folder.glob("*.py") if not f.name.startswith(("__init__", ".#")))
    graph = dict(filter(None, (_script_revisions(f) for f in scripts)))
    parents = {down for downs in graph.values() for down in downs}
    heads = sorted(set(graph) - parents)
    if len(heads) != 1:
        raise RuntimeError(f"migrations in {folder} must have exactly one head, found {heads}")
    return heads[0], frozenset(graph)


def head_revision(script_location: Path | None = None) -> str:
    return _revisions(script_location)[0]


def known_revisions(script_location: Path | None = None) -> frozenset[str]:
    return _revisions(script_location)[1]


def ensure_openable(path: Path, info: FileInfo, script_location: Path | None = None) -> None:
    """Raise DatabaseFileError unless ``path`` is blank or a BranchBook database we understand."""
    if info.is_blank:
        return
    if not info.is_sqlite:
        raise DatabaseFileError(
            f"文件“{path.name}”不是支部工作记录本的数据库。请选择扩展名为 .sqlite3 的记录本数据库文件。"
        )
    if info.application_id != APPLICATION_ID:
        raise DatabaseFileError(
            f"文件“{path.name}”是其他软件的数据库，不是支部工作记录本的数据库，未做任何改动。"
        )
    if info.revision is None:
        raise DatabaseFileError(f"数据库“{path.name}”缺少版本信息，可能已损坏。请从备份恢复。")
    if info.revision not in known_revisions(script_location):
        raise DatabaseFileError(
            f"数据库“{path.name}”由更新版本的支部工作记录本创建（数据版本 {info.revision}），"
            "本软件无法打开。请先升级支部工作记录本。"
        )


def copy_database(src: Path, dest: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """A consistent copy made with SQLite's backup API (never a plain file copy), in
    rollback-journal mode so that it opens from read-only media.

    A read transaction is opened first, waiting at most ``busy_timeout_ms`` for a writer
    elsewhere: Python's backup loop would otherwise retry for ever while another connection
    keeps the file locked. Raises ``sqlite3.OperationalError`` when that wait runs out."""
    source = sqlite3.connect(readonly_uri(src), uri=True,
                             timeout=busy_timeout_ms / 1000, isolation_level=None)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        source.execute("COMMIT")
    finally:
        source.close()


def migrate(path: Path, *, target: str = "head", script_location: Path | None = None) -> None:
    """Run the migrations up to ``target`` in one transaction.

    Foreign keys are off while migrating (SQLite batch mode recreates tables, and a DROP
    TABLE with foreign keys on would cascade deletes); they are checked before commit.
    """
    engine = make_engine(path, foreign_keys=False, pooled=False)
    try:
        from alembic import command

        with engine.begin() as conn:
            command.upgrade(alembic_config(conn, script_location), target)
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DatabaseFileError(
                    f"升级数据库时发现 {len(problems)} 处数据关联错误，升级已撤销，数据库未改动。"
                )
    finally:
        engine.dispose()


def open_database(
    path: str | Path | None = None,
    *,
    target: str = "head",
    script_location: Path | None = None,
) -> Database:
    """Open (creating or upgrading as needed) the database at ``path``, a file or a server's
    address (``postgresql+psycopg://…``, models.server).

    Raises DatabaseFileError, without changing the file, when it cannot be used.
    """
    if is_server_url(path):
        from models.server import open_server

        return open_server(str(path), target=target, script_location=script_location)  # type: ignore[no-any-return]
    db_path = Path(path) if path is not None else paths.default_db_path()
    info = inspect_file(db_path)
    ensure_openable(db_path, info, script_location)
    backup_path: Path | None = None
    wanted = head_revision(script_location) if target == "head" else target
    if info.is_blank:
        try:
            if db_path.parent == paths.data_dir():
                private_folder(db_path.parent)
            else:
                db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseFileError(
                f"无法创建数据库文件夹“{db_path.parent}”：{os_error_text(exc)}。"
            ) from exc
        migrate(db_path, target=target, script_location=script_location)
    elif info.revision != wanted:
        backup_path = db_path.with_name(f"{db_path.name}.before-upgrade-{info.revision}.bak")
        copy_database(db_path, backup_path)
        migrate(db_path, target=target, script_location=script_location)
    return Database(db_path, backup_before_upgrade=backup_path)  # connects on first use
