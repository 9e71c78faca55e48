"""Commands on a committee's server (``--db postgresql+psycopg://…``) that differ from a file:
``init`` adds a branch beside the others, ``check`` checks the schema version and the audit chain
(SQLite's integrity pragmas have no counterpart: the server's administrator looks after its disks)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text

from models.branch_setup import NewBranch
from models.check import COUNTED_TABLES, CheckReport
from models.db import head_revision, open_database
from models.entities import Branch
from models.errors import BranchBookError
from models.roster import (
    check_branch_name,
    check_records_since,
    create_branch,
    first_of_month,
)
from models.server import parse_server_url, read_revision, sees_every_branch, shown


def init_server_branch(address: str, name: str, superior_org: str = "",
                       records_since: date | None = None) -> NewBranch:
    """Add a branch to the server's database (made at the newest schema when empty); a branch of
    the same name already there is refused."""
    name = check_branch_name(name)
    since = check_records_since(records_since) or first_of_month()
    db = open_database(address)
    try:
        with db.transaction() as session:
            if session.scalar(select(func.count()).select_from(Branch).where(Branch.name == name)):
                raise BranchBookError(f"服务器上已有党支部“{name}”，未作任何改动。请换一个名称，"
                                      "或直接使用这个党支部（--branch）。", field="name")
            branch_id = create_branch(session, name, superior_org, records_since=since)
    finally:
        db.close()
    return NewBranch(db.path, branch_id, name, since)


def check_server(address: str) -> CheckReport:
    """Schema version, record counts and the audit chain of the server's database."""
    from sqlalchemy.orm import Session

    from models.audit import verify_chain

    url = parse_server_url(address)
    db = open_database(address)  # refuses a newer schema, upgrades an older one
    try:
        report = CheckReport(path=shown(url), revision=read_revision(db.engine, url))
        head = head_revision()
        if report.revision != head:
            report.problems.append(f"数据版本 {report.revision} 与本软件（{head}）不一致")
        with Session(db.engine) as session:
            for table, _label in COUNTED_TABLES:
                report.counts[table] = int(session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            whole = sees_every_branch(session.connection())
            broken = verify_chain(session) if whole else None
        if broken is not None:
            report.problems.append(f"操作日志第 {broken} 条起被改动过，日志链条不完整。")
        if not whole:
            report.notes.append("操作日志是整个服务器的一条链，当前用户只能看到本党支部的部分，"
                                "日志链条的完整性请由党委（可查看全部党支部）的账号检查")
        report.notes.append("这是数据库服务器（PostgreSQL）：文件完整性检查只适用于本机数据库文件，"
                            "服务器的磁盘与备份由服务器管理员负责")
    finally:
        db.close()
    return report
