"""`check`: integrity and schema check of a database file, without changing it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from models.db import ensure_openable, head_revision, inspect_file, readonly_uri
from models.errors import DatabaseFileError, explain, is_damage, sqlite_error_text

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
    path: Path | str  # a file, or a server's address (models.server_ops)
    revision: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # the database is not sound
    notes: list[str] = field(default_factory=list)  # worth knowing, not a fault

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        lines = [f"数据库：{self.path}"]
        if self.revision:
            lines.append(f"数据版本：{self.revision}")
        if self.counts:
            lines.append("记录数：" + "，".join(
                f"{label} {self.counts[table]}" for table, label in COUNTED_TABLES if table in self.counts))
        lines += [f"说明：{n}" for n in self.notes]
        lines += [f"问题：{p}" for p in self.problems]
        lines.append("检查结果：正常" if self.ok else "检查结果：发现问题")
        return "\n".join(lines)


def check_database(path: Path) -> CheckReport:
    """Raise DatabaseFileError for a file that is not a usable BranchBook database; otherwise
    report integrity, foreign keys, schema version, the audit chain and record counts."""
    info = inspect_file(path)
    if not info.exists:
        raise DatabaseFileError(f"找不到数据库文件“{path}”，请检查路径。")
    if info.is_blank:
        raise DatabaseFileError(f"文件“{path.name}”是空的，不是支部工作记录本的数据库。")
    ensure_openable(path, info)
    report = CheckReport(path=path, revision=info.revision)
    head = head_revision()
    if info.revision != head:
        report.notes.append(f"数据版本 {info.revision} 较旧，用本软件打开时会自动升级到 {head}")
    # The file's own checks (integrity_check reads every page: SQLite works without the GIL) run
    # on a second thread while this one reads the records for the content checks; those are
    # used only when the file proves sound, as when they ran after it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        file_checks = pool.submit(_file_problems, path, info.tables, report)
        content = _content_findings(path, report, current=info.revision == head)
        file_checks.result()  # raises DatabaseFileError for a file that cannot be checked
    if report.ok:
        report.problems.extend(content())
    return report


def _file_problems(path: Path, tables: set[str], report: CheckReport) -> None:
    """integrity_check, foreign_key_check and the record counts, into ``report``."""
    con = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        damaged = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if damaged != ["ok"]:
            report.problems.append(f"数据库文件已损坏（完整性检查发现 {len(damaged)} 处问题），请从备份恢复。")
        broken_links = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken_links:
            report.problems.append(f"有 {len(broken_links)} 条记录的关联已失效（引用了已不存在的记录）。")
        for table, _label in COUNTED_TABLES:
            if table in tables:
                report.counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):  # a full disk or a busy file: restoring a backup would not help
            raise DatabaseFileError(explain(exc, near=path) or
                                    f"数据库“{path.name}”暂时无法检查（{sqlite_error_text(exc)}）。") from exc
        raise DatabaseFileError(f"数据库“{path.name}”无法检查（{sqlite_error_text(exc)}），请从备份恢复。") from exc
    finally:
        con.close()


def _content_findings(path: Path, report: CheckReport, *, current: bool) -> Callable[[], list[str]]:
    """The checks of the records themselves: the audit chain, tampering, duplicates and conflicts
    (:mod:`models.tamper`), and — on a current schema — the rules' notes. Returns what hands
    over their problems (and adds their notes to ``report``) once the file is known to be sound;
    an error they met is raised then, and forgotten for a damaged file."""
    found = CheckReport(path=path)
    try:
        found.problems.extend(_audit_problems(path))
        if not found.problems:
            _safekeeping_findings(found, path)
        if not found.problems and current:
            found.notes.extend(_rule_notes(path))
    except Exception as exc:  # noqa: BLE001 - raised again below when the file is sound
        error = exc

        def failed() -> list[str]:
            raise error
        return failed

    def findings() -> list[str]:
        report.notes.extend(found.notes)
        return found.problems
    return findings


def _rule_notes(path: Path) -> list[str]:
    """What the rules find in the records (SPEC §3): meetings whose attendance does not cover
    their 应到, with nobody 应到, or short of their quorum — worth knowing, not a fault of the file."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from models.compliance import compliance_for_year
    from models.entities import Branch, Meeting

    uri = readonly_uri(path)
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    found: dict[str, list[str]] = {"incomplete_attendance": [], "nobody_expected": [], "failed_quorum": []}
    try:
        with Session(engine) as session:
            for branch_id in session.scalars(select(Branch.id)):
                first, last = session.execute(select(Meeting.held_on).where(Meeting.branch_id == branch_id)
                                              .order_by(Meeting.held_on).limit(1)).scalar(), date.today()
                for year in range(first.year, last.year + 1) if first else ():
                    for alert in compliance_for_year(session, branch_id, year).alerts:
                        if alert.kind in found:
                            found[alert.kind].append(alert.message)
    except (sqlite3.DatabaseError, SQLAlchemyError):
        return []  # the integrity checks above speak for an unreadable file
    finally:
        engine.dispose()
    labels = {"incomplete_attendance": "出席情况不完整的会议", "nobody_expected": "当日无应到人员的会议",
              "failed_quorum": "未达到法定人数的会议"}
    return [f"{labels[kind]} {len(messages)} 次，例如：{messages[-1]}" for kind, messages in found.items() if messages]


def _safekeeping_findings(report: CheckReport, path: Path) -> None:
    """Tampering, duplicated members and open merge conflicts (:mod:`models.tamper`)."""
    from models.autobackup import newest_anchor
    from models.identity import read_database_uuid
    from models.tamper import inspect

    db_uuid = read_database_uuid(path)
    found = inspect(path, newest_anchor(path, db_uuid) if db_uuid else None)
    report.problems.extend(found.problems)
    report.notes.extend(found.notes)


def _audit_problems(path: Path) -> list[str]:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from models.audit import verify_chain

    uri = readonly_uri(path)
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with Session(engine) as session:
            broken = verify_chain(session)
    finally:
        engine.dispose()
    return [f"操作日志第 {broken} 条起被改动过，日志链条不完整。"] if broken is not None else []
