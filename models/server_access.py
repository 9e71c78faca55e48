"""Access by branch on a committee's server (``main.py server grant|revoke|roles``).

Each branch secretary logs in with a database role of their own; migration 0005s's row-level
security policies let that role see and change only the rows of the branches listed for it in
``branch_access`` (a NULL branch: every branch, for the committee's role). Granting also gives the
role the table rights our services need; the audit log can be read and appended to, never changed.
Passwords are not handled here: the administrator sets one with psql's ``\\password 角色名``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text

from models.db import Database
from models.errors import BranchBookError

#: a role name we accept: letters (Chinese too), digits, underscore; PostgreSQL's 63-byte limit
_ROLE = re.compile(r"^[\w]{1,63}$")
ALL_BRANCHES = "全部党支部（党委）"


@dataclass(frozen=True)
class RoleAccess:
    role: str
    branches: list[str]  # names; ALL_BRANCHES for a committee role

    def describe(self) -> str:
        return f"{self.role}：{'、'.join(self.branches)}"


def _require_server(db: Database) -> None:
    if not db.is_server:
        raise BranchBookError("按党支部分配的访问权限只适用于数据库服务器（PostgreSQL）：本机数据库文件只有一个使用者。"
                              "请用 --db 指定服务器地址 postgresql+psycopg://…。", field="db")


def check_role_name(role: str) -> str:
    role = (role or "").strip()
    if not _ROLE.match(role) or len(role.encode("utf-8")) > 63:
        raise BranchBookError(f"角色名“{role}”不可用：只能由字母、汉字、数字和下划线组成，不超过 63 字节，"
                              "例如 dizhibu_shuji。", field="role")
    return role


def _quote(conn: Connection, role: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(role)


def _role_exists(conn: Connection, role: str) -> bool:
    return bool(conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}))


def grant(db: Database, role: str, branch_id: int | None) -> list[str]:
    """Let ``role`` see and change branch ``branch_id`` (None: every branch). Returns notes for the user."""
    _require_server(db)
    role = check_role_name(role)
    notes: list[str] = []
    try:
        with db.engine.begin() as conn:
            if conn.scalar(text("SELECT to_regclass('branch_access')")) is None:
                raise BranchBookError("服务器上的数据库缺少访问权限表，请先用本软件打开一次以升级数据库。")
            quoted = _quote(conn, role)
            if not _role_exists(conn, role):
                conn.execute(text(f"CREATE ROLE {quoted} LOGIN"))
                notes.append(f"已在服务器上建立登录用户“{role}”，尚未设置密码：请管理员用 psql 执行 "
                             f"\\password {role} 设置密码，再把密码交给该党支部书记。")
            if conn.scalar(text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": role}):
                raise BranchBookError(f"“{role}”是服务器的超级用户，不受按党支部的访问限制，不能用作党支部的角色。",
                                      field="role")
            database = conn.dialect.identifier_preparer.quote_identifier(str(conn.scalar(text("SELECT current_database()"))))
            conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {quoted}"))
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"))
            conn.execute(text(f"REVOKE ALL ON branch_access FROM {quoted}"))
            conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}"))
            conn.execute(text(f"REVOKE UPDATE, DELETE ON audit_entry FROM {quoted}"))
            conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
            exists = conn.scalar(text(
                "SELECT 1 FROM branch_access WHERE role_name = :r AND branch_id IS NOT DISTINCT FROM :b"),
                {"r": role, "b": branch_id})
            if not exists:
                conn.execute(text("INSERT INTO branch_access (role_name, branch_id) VALUES (:r, :b)"),
                             {"r": role, "b": branch_id})
    except BranchBookError:
        raise
    except Exception as exc:
        if "permission denied" in str(exc).lower() or "must have" in str(exc).lower():
            raise BranchBookError("当前登录的数据库用户没有分配权限的权利（需要表的所有者，建立角色还需 CREATEROLE）。"
                                  "请用服务器管理员的账号执行。") from exc
        raise
    return notes


def revoke(db: Database, role: str, branch_id: int | None, *, every: bool = False) -> int:
    """Take branch ``branch_id`` (None with ``every``: everything) away from ``role``; returns how many
    grants were removed. The role itself stays (the administrator drops it)."""
    _require_server(db)
    role = check_role_name(role)
    with db.engine.begin() as conn:
        if every:
            removed = conn.execute(text("DELETE FROM branch_access WHERE role_name = :r"), {"r": role}).rowcount
        else:
            removed = conn.execute(text("DELETE FROM branch_access WHERE role_name = :r "
                                        "AND branch_id IS NOT DISTINCT FROM :b"), {"r": role, "b": branch_id}).rowcount
        left = conn.scalar(text("SELECT count(*) FROM branch_access WHERE role_name = :r"), {"r": role})
        if not left and _role_exists(conn, role):
            quoted = _quote(conn, role)
            conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}"))
            conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}"))
    return int(removed or 0)


def roles(db: Database) -> list[RoleAccess]:
    """Every role with access, and what it sees."""
    _require_server(db)
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT a.role_name, a.branch_id, b.name FROM branch_access a LEFT JOIN branch b ON b.id = a.branch_id "
            "ORDER BY a.role_name, a.branch_id NULLS FIRST")).all()
    found: dict[str, list[str]] = {}
    for role, branch_id, name in rows:
        found.setdefault(role, []).append(ALL_BRANCHES if branch_id is None else f"{name}（编号 {branch_id}）")
    return [RoleAccess(r, b) for r, b in found.items()]
