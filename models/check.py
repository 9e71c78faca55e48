"""`check`: integrity and schema check of a database file, without changing it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from models.db import APPLICATION_ID, head_revision, inspect_file
from models.errors import DatabaseFileError

COUNTED_TABLES = (
    ("branch", "党支部"),
    ("party_group", "党小组"),
    ("member", "党员"),
    ("meeting", "会议"),
    ("attendance", "出席记录"),
    ("agenda_item", "议题"),
    ("study_note", "学习笔记"),
    ("attachment", "附件"),
    ("action_item", "落实事项"),
    ("audit_entry", "操作日志"),
)


@dataclass
class CheckReport:
    path: Path
    ok: bool
    revision: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"数据库：{self.path}"]
        if self.revision:
            lines.append(f"数据版本：{self.revision}")
        if self.counts:
            lines.append("记录数：" + "，".join(
                f"{label} {self.counts[table]}" for table, label in COUNTED_TABLES if table in self.counts))
        lines += [f"问题：{p}" for p in self.problems]
        lines.append("检查结果：正常" if self.ok else "检查结果：发现问题")
        return "\n".join(lines)


def check_database(path: Path) -> CheckReport:
    """Raise DatabaseFileError for a file that is not a usable BranchBook database; otherwise
    report integrity, foreign keys, schema version, the audit chain and record counts."""
    info = inspect_file(path)
    if not info.exists:
        raise DatabaseFileError(f"找不到数据库文件“{path}”，请检查路径。")
    if not info.is_sqlite or info.table_count == 0:
        raise DatabaseFileError(f"文件“{path.name}”不是支部工作记录本的数据库。")
    if info.application_id != APPLICATION_ID:
        raise DatabaseFileError(f"文件“{path.name}”是其他软件的数据库，不是支部工作记录本的数据库。")
    report = CheckReport(path=path, ok=True, revision=info.revision)
    head = head_revision()
    if info.revision != head:
        from models.db import known_revisions

        if info.revision not in known_revisions():
            raise DatabaseFileError(
                f"数据库“{path.name}”由更新版本的支部工作记录本创建（数据版本 {info.revision}），请升级本软件。")
        report.problems.append(f"数据版本 {info.revision} 较旧，打开时会自动升级到 {head}")
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            report.ok = False
            report.problems.append("数据库文件已损坏：" + "；".join(integrity[:5]) + "。请从备份恢复。")
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            report.ok = False
            report.problems.append(f"有 {len(fk)} 条记录的关联已失效（外键错误）。")
        for table, _label in COUNTED_TABLES:
            if table in info.tables:
                report.counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DatabaseFileError(f"数据库“{path.name}”已损坏（{exc}），请从备份恢复。") from exc
    finally:
        con.close()
    if report.ok:
        report.problems.extend(_audit_problems(path))
        report.ok = not any(p.startswith("操作日志") for p in report.problems)
    return report


def _audit_problems(path: Path) -> list[str]:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from models.audit import verify_chain

    engine = create_engine(f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            broken = verify_chain(session)
    finally:
        engine.dispose()
    return [f"操作日志第 {broken} 条起被改动过，日志链条不完整。"] if broken is not None else []
