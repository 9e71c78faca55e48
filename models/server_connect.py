"""连接服务器 from the window: the five fields a secretary types (服务器地址, 端口, 数据库名, 用户名, 密码),
checked, tried, and each failure explained in Chinese with the field at fault.

The password is never part of the address, a setting or a log. It is kept between sessions only
when the person ticks 记住密码, and then only in a libpq password file (the ``.pgpass`` format,
``host:port:database:user:password``) in the user data folder with mode 0600, handed to the driver
as ``passfile``: the same file libpq itself would read, so the command line can use it with
``?passfile=…`` too. No other store: a settings file is readable by anything that reads settings,
and an obfuscated password is still a password to whoever has the program.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, text
from sqlalchemy.exc import DBAPIError

from models import paths
from models.db import Database
from models.errors import BranchBookError
from models.privacy import FILE_MODE, private_folder

DEFAULT_PORT = 5432
PASSWORD_FILE = "pgpass.conf"
#: what the person is told to ask for when their role may see no branch
GRANT_HINT = ("请党委的服务器管理员为您的用户名分配本党支部：main.py server grant --db 服务器地址 "
              "--branch 党支部名称 --role {user}")


@dataclass(frozen=True)
class ServerAddress:
    """A server as typed in the dialog, without the password."""

    host: str
    port: int
    database: str
    username: str

    def url(self) -> URL:
        return URL.create("postgresql+psycopg", username=self.username, host=self.host, port=self.port,
                          database=self.database)

    def label(self) -> str:
        """How it is listed under 最近的服务器 and remembered in settings (no password)."""
        return f"{self.username}@{self.host}:{self.port}/{self.database}"

    @classmethod
    def from_label(cls, label: str) -> ServerAddress | None:
        """The address of a remembered label; None for a label that does not read back."""
        try:
            user, rest = label.split("@", 1)
            hostport, database = rest.split("/", 1)
            host, port = hostport.rsplit(":", 1)
            return check_address(host, port, database, user)
        except (ValueError, BranchBookError):
            return None


def check_address(host: str, port: str, database: str, username: str) -> ServerAddress:
    """The typed fields as an address, or a BranchBookError naming the field and the fix."""
    host, port, database, username = (v.strip() for v in (host, port, database, username))
    if not host:
        raise BranchBookError("请填写服务器地址：单位服务器的 IP 地址或名称，例如 192.168.1.20。", field="host")
    if any(ch in host for ch in " /@:?#"):
        raise BranchBookError(f"服务器地址“{host}”不对：只写 IP 地址或名称，如 192.168.1.20，端口写在“端口”一栏。",
                              field="host")
    port = port.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not port:
        port = str(DEFAULT_PORT)
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise BranchBookError(f"端口“{port}”不对：应为 1–65535 之间的数字，PostgreSQL 通常是 {DEFAULT_PORT}。",
                              field="port")
    if not database or any(ch in database for ch in " /@:?#"):
        raise BranchBookError("请填写数据库名：服务器管理员建立的记录本数据库的名称，例如 branchbook。", field="database")
    if not username or any(ch in username for ch in " /@:?#"):
        raise BranchBookError("请填写用户名：服务器管理员为本党支部建立的数据库用户名，例如 dierzhibu。",
                              field="username")
    return ServerAddress(host, int(port), database, username)


# --- the password file ---------------------------------------------------------------------------------


def password_file() -> Path:
    return paths.data_dir() / PASSWORD_FILE


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _key(address: ServerAddress) -> str:
    return ":".join(_escape(v) for v in (address.host, str(address.port), address.database, address.username)) + ":"


def _write_lines(lines: list[str]) -> None:
    path = password_file()
    private_folder(path.parent)
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))
    os.replace(temp, path)
    if os.name != "nt":
        os.chmod(path, FILE_MODE)  # libpq ignores a password file others may read


def _other_lines(address: ServerAddress) -> list[str]:
    path = password_file()
    if not path.exists():
        return []
    key = _key(address)
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith(key)]


def remember_password(address: ServerAddress, password: str) -> None:
    """Keep ``password`` for ``address`` in the user's own password file (0600), replacing an older one."""
    _write_lines([*_other_lines(address), _key(address) + _escape(password)])


def forget_password(address: ServerAddress) -> None:
    if password_file().exists():
        _write_lines(_other_lines(address))


def has_remembered_password(address: ServerAddress) -> bool:
    path = password_file()
    return path.exists() and any(line.startswith(_key(address))
                                 for line in path.read_text(encoding="utf-8").splitlines())


# --- connecting ------------------------------------------------------------------------------------------


def _may_administer(db: Database) -> bool:
    """The role owns the tables (ran the migrations) or is a superuser: not limited to granted branches."""
    with db.engine.connect() as conn:
        return bool(conn.scalar(text(
            "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, c.relowner, 'MEMBER') "
            "FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = to_regclass('branch')")))


def _sees_a_branch(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.scalar(text("SELECT EXISTS (SELECT 1 FROM branch)")))


def connect(address: ServerAddress, password: str = "") -> Database:
    """Open the BranchBook database on the server (upgrading it when this role may), having made sure
    this role may work in it; a BranchBookError whose ``field`` names what to correct otherwise."""
    from models.server import connection_failure, open_server

    passfile = password_file()
    try:
        db = open_server(address.url(), password=password or None,
                         passfile=passfile if not password and passfile.exists() else None)
    except BranchBookError as exc:
        cause = exc.__cause__
        if isinstance(cause, DBAPIError):  # the message is already the right one; find its field
            field, _message = connection_failure(cause, address.url())
            if "需要建立或升级" in exc.message:
                field = "database"
            raise BranchBookError(exc.message, field=field) from exc
        raise BranchBookError(exc.message, field=exc.field or "database") from exc
    try:
        if not _may_administer(db) and not _sees_a_branch(db):
            raise BranchBookError(f"已连接服务器，但用户“{address.username}”还没有被分配任何党支部，看不到记录。"
                                  + GRANT_HINT.format(user=address.username), field="username")
    except DBAPIError as exc:
        db.close()
        field, message = connection_failure(exc, address.url())
        raise BranchBookError(message, field=field) from exc
    except BaseException:
        db.close()
        raise
    return db
