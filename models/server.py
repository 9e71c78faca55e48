"""A committee's database server (PostgreSQL): ``--db postgresql+psycopg://用户@主机:端口/库名``.

* A plain path stays an SQLite file; an address with ``://`` is a server (:func:`is_server_url`).
* The password is never part of the address (it would show in the process list, the shell's
  history and scheduled tasks): libpq reads it from ``~/.pgpass`` (Windows:
  ``%APPDATA%\\postgresql\\pgpass.conf``), from the file named by ``PGPASSFILE``, or from
  ``?passfile=路径`` in the address; the window asks for it.
* Opening runs the same Alembic migrations as a file (one transaction, serialised between
  clients by an advisory lock); a schema from a newer release is refused, as for a file. The
  version is read without importing Alembic, like models.db does for a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import sessionmaker

from models.db import is_server_url  # noqa: F401 - re-exported (models.db tells them apart cheaply)
from models.errors import BranchBookError, DatabaseFileError

_SCHEMES = {"postgresql", "postgresql+psycopg", "postgres"}
#: pg_advisory_xact_lock key of a migration ("BBK1"): two clients never migrate at once
MIGRATION_LOCK = 0x42424B31
CONNECT_TIMEOUT_S = 10
#: what a server database is called where a file would be named
SERVER_WORD = "服务器数据库"


def parse_server_url(value: str) -> URL:
    """The SQLAlchemy URL of a server address, or a Chinese BranchBookError naming the fix."""
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise BranchBookError(f"数据库服务器地址“{value}”格式不对，应为 "
                              "postgresql+psycopg://用户名@主机:端口/数据库名。", field="db") from exc
    if url.drivername not in _SCHEMES:
        raise BranchBookError(
            f"不支持的数据库地址“{url.drivername}://…”。--db 可以是数据库文件路径，"
            "或 PostgreSQL 服务器地址 postgresql+psycopg://用户名@主机:端口/数据库名。", field="db")
    if url.password is not None:
        raise BranchBookError(
            "数据库服务器的密码不能写在地址中（会留在命令历史和日志里）。请去掉地址中的密码，"
            "把它写入密码文件：~/.pgpass（Windows 为 %APPDATA%\\postgresql\\pgpass.conf），"
            "或用环境变量 PGPASSFILE 指定密码文件，或在地址后加 ?passfile=密码文件路径。", field="db")
    if not url.database:
        raise BranchBookError(f"数据库服务器地址“{shown(url)}”缺少数据库名，应为 "
                              "postgresql+psycopg://用户名@主机:端口/数据库名。", field="db")
    return url.set(drivername="postgresql+psycopg")


def shown(url: URL | str) -> str:
    """The address as a person may see it (never a password)."""
    if isinstance(url, str):
        try:
            return make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            return url
    return url.render_as_string(hide_password=True)


def display_path(url: URL) -> Path:
    """What a :class:`models.db.Database` of a server carries as its ``path`` (for titles and
    messages only: no file operation ever runs on it, see :func:`models.db.is_server`)."""
    return Path(shown(url))


def make_server_engine(url: URL, *, password: str | None = None, pooled: bool = True,
                       passfile: Path | None = None) -> Engine:
    """An engine on the server; ``password`` (typed in the window) goes to the driver, never the URL
    text; ``passfile``: a libpq password file to read it from (models.server_connect)."""
    connect: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "branchbook"}
    if password:
        connect["password"] = password
    elif passfile is not None:
        connect["passfile"] = str(passfile)
    # a committee's batch work or a busy window may hold several connections at once
    kwargs: dict[str, Any] = {"connect_args": connect, "pool_pre_ping": True, "pool_size": 5, "max_overflow": 20}
    if not pooled:
        from sqlalchemy.pool import NullPool

        kwargs["poolclass"] = NullPool
    try:
        return create_engine(url, **kwargs)
    except ModuleNotFoundError as exc:
        raise BranchBookError("未安装 PostgreSQL 驱动（psycopg）。请安装本软件的 postgres 扩展："
                              "pip install \"branchbook[postgres]\"。") from exc


def connection_failure(exc: BaseException, url: URL) -> tuple[str, str]:
    """(the field at fault, a Chinese explanation naming the fix) of a failed connection: ``host``
    (server unreachable), ``password``, ``database`` (missing), ``username`` (unknown, or granted
    no branch), or ``""`` (something else)."""
    text_ = str(getattr(exc, "orig", None) or exc).lower()
    where = shown(url)
    if "password authentication failed" in text_ or "no password supplied" in text_:
        return "password", (f"无法登录数据库服务器“{where}”：用户“{url.username}”的密码不对或没有填写。"
                            "请重新输入密码（区分大小写）；忘记密码请找服务器管理员重设。")
    if "does not exist" in text_ and "database" in text_:
        return "database", (f"数据库服务器上没有数据库“{url.database}”。请检查数据库名，"
                            "或请服务器管理员先建立它（createdb）。")
    if "role" in text_ and "does not exist" in text_:
        return "username", (f"数据库服务器上没有用户“{url.username}”。请检查用户名，"
                            "或请服务器管理员用 main.py server grant 为本党支部建立该用户。")
    if "permission denied" in text_ or "must be owner" in text_:
        return "username", (f"数据库用户“{url.username}”没有使用这个数据库的权限（{where}）。"
                            "请党委的服务器管理员为您分配本党支部：main.py server grant --db 服务器地址 "
                            f"--branch 党支部名称 --role {url.username}")
    if any(word in text_ for word in ("timeout", "timed out", "connection refused", "could not", "translate host",
                                      "resolve host", "no route", "unreachable", "connection failed")):
        return "host", (f"无法连接数据库服务器“{url.host}:{url.port or 5432}”。请检查服务器地址和端口是否正确、"
                        "网线或内网是否连通，以及服务器是否已开机并启动了数据库。")
    return "", f"数据库服务器“{where}”出错，操作未完成。"


def connection_error_text(exc: BaseException, url: URL) -> str:
    """A Chinese explanation of a failed connection (wrong host, password, database…)."""
    return connection_failure(exc, url)[1]


def read_revision(engine: Engine, url: URL) -> str | None:
    """The schema revision on the server (None: no BranchBook tables yet), without Alembic."""
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SELECT to_regclass('alembic_version')")) is None:
                tables = conn.scalar(text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"))
                if tables:
                    raise DatabaseFileError(
                        f"服务器上的数据库“{url.database}”已有其他软件的表，不是支部工作记录本的数据库，未做任何改动。"
                        "请为支部工作记录本单独建立一个数据库。")
                return None
            return conn.scalar(text("SELECT version_num FROM alembic_version"))
    except DBAPIError as exc:
        raise DatabaseFileError(connection_error_text(exc, url)) from exc


def migrate_server(engine: Engine, url: URL, *, target: str = "head", script_location: Path | None = None) -> None:
    """Run the migrations up to ``target`` in one transaction (PostgreSQL's DDL is transactional:
    a failing migration leaves the server as it was)."""
    from alembic import command

    from models.db import alembic_config

    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            command.upgrade(alembic_config(conn, script_location), target)
    except DBAPIError as exc:
        if "permission" in str(exc).lower() or "must be owner" in str(exc).lower():
            raise DatabaseFileError(
                f"服务器上的数据库“{url.database}”需要建立或升级到本软件的版本，这只有数据库的所有者（服务器管理员）"
                f"能做，用户“{url.username}”不能。请管理员先用自己的账号运行一次本软件"
                "（例如 main.py check --db 服务器地址），再用您的用户名连接。") from exc
        raise DatabaseFileError(f"升级服务器上的数据库时出错，升级已撤销，数据库未改动（{shown(url)}）。") from exc


def open_server(value: str | URL, *, target: str = "head", script_location: Path | None = None,
                password: str | None = None, passfile: Path | None = None) -> Any:
    """Open (creating or upgrading the schema as needed) the BranchBook database on a server."""
    from models.db import Database, head_revision, known_revisions

    url = value if isinstance(value, URL) else parse_server_url(value)
    engine = make_server_engine(url, password=password, passfile=passfile)
    try:
        revision = read_revision(engine, url)
        if revision is not None and revision not in known_revisions(script_location):
            raise DatabaseFileError(
                f"服务器上的数据库由更新版本的支部工作记录本建立（数据版本 {revision}），本软件无法使用。"
                "请先升级支部工作记录本。")
        wanted = head_revision(script_location) if target == "head" else target
        if revision != wanted:
            migrate_server(engine, url, target=target, script_location=script_location)
    except BaseException:
        engine.dispose()
        raise
    factory = sessionmaker(engine, expire_on_commit=False)
    return Database(display_path(url), engine, factory, url=url)


def file_only(what: str) -> BranchBookError:
    """The refusal of an operation that only makes sense for a database file."""
    return BranchBookError(f"{what}只适用于本机的数据库文件；当前 --db 是数据库服务器（PostgreSQL），"
                           "服务器的备份、恢复与完整性检查由服务器管理员负责。")


def advance_sequences(conn: Any, tables: list[str]) -> None:
    """After rows were written with ids of our own (the demo's bulk insert), move each table's id
    sequence past them: the next row anyone adds must not take a used id. No-op on SQLite."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                          f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"), {"t": table})


def sees_every_branch(conn: Any) -> bool:
    """The connected role is not limited by the branch policies (owner, superuser, or granted every
    branch): it sees the whole audit chain, so it can verify it."""
    return bool(conn.scalar(text(
        "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, c.relowner, 'MEMBER') "
        "OR branchbook_sees(NULL) FROM pg_roles r, pg_class c "
        "WHERE r.rolname = current_user AND c.oid = to_regclass('audit_entry')")))
