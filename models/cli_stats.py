"""`stats` and `members` subcommands (SPEC §6): thin wrappers over the compliance and roster
import services, and the opening of --db that `report` shares. A user error is raised as
BranchBookError (main prints it, exits 1)."""

from __future__ import annotations

import argparse
import json
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import paths
from models.branches import resolve_branch
from models.db import Database, open_database
from models.errors import BranchBookError, require_file
from models.validation import format_date

if TYPE_CHECKING:
    from models.compliance import YearCompliance
    from models.overview import CommitteeOverview

# `report` opens its database here too: the compliance services are imported by the commands
# that use them, so printing a document does not pay for them.


def open_from_args(args: argparse.Namespace) -> Database:
    """The database a subcommand works on (--db, else the default one); it must exist."""
    if isinstance(args.db, str):  # a server's address (models.server)
        return open_database(args.db)
    path = Path(args.db) if args.db else paths.default_db_path()
    require_file(path, "数据库文件", "请用 --db 指定正确的路径。")
    return open_database(path)


def load_overview(args: argparse.Namespace) -> CommitteeOverview:
    """Every branch of ``--db`` side by side for ``--year`` (党委工作台); refuses an empty database."""
    from models.overview import committee_overview

    db = open_from_args(args)
    try:
        with db.reading() as session:
            data = committee_overview(session, int(args.year))
    finally:
        db.close()
    if not data.branches:
        raise BranchBookError("数据库中还没有党支部，请先在程序中建立党支部或合并各支部的备份。")
    return data


def default_branch_id(db: Database, choice: str | None = None) -> int:
    """The branch a subcommand works on: ``--branch`` (编号, 全称 or a unique part of it),
    which may be left out only when the database holds one branch (models.branches)."""
    with db.reading() as session:
        return resolve_branch(session, choice).id


def branch_id_from_args(db: Database, args: argparse.Namespace) -> int:
    return default_branch_id(db, getattr(args, "branch", None))


def as_json(data: YearCompliance) -> dict[str, Any]:
    return {
        "year": data.year,
        "branch": data.branch_name,
        "obligations": [
            {"type": ob.label if ob.group_name is None else ob.meeting_type.label, "group": ob.group_name,
             "period": ob.period, "required": ob.required, "held": ob.held, "status": ob.status}
            for ob in data.obligations
        ],
        "alerts": [{"kind": a.kind, "member": a.member, "meeting_id": a.meeting_id, "message": a.message}
                   for a in data.alerts],
        "attendance": [
            {"member": m.member, "expected": m.expected, "present": m.present, "leave": m.leave,
             "absent": m.absent, "rate": round(m.rate, 4), "study_hours": m.study_hours,
             "unrecorded": m.unrecorded}  # 未记: 应到 without a row; expected = present+leave+absent+unrecorded
            for m in data.attendance
        ],
    }


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal where each Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)


def describe(data: YearCompliance) -> str:
    from models.compliance import STATUS_LABELS, period_text
    from models.member_attendance import UNRECORDED_NOTE
    from models.records_start import since_text, unrecorded_months
    from models.rules import Period

    lines = [f"{data.branch_name} {data.year}年 组织生活统计", ""]
    done = sum(1 for ob in data.obligations if ob.status == "done")
    lines.append(f"应开会议 {len(data.obligations)} 项，已完成 {done} 项。")
    if data.records_since is not None and unrecorded_months(data.year, data.records_since):
        lines.append(since_text(data.records_since))
    for ob in data.obligations:
        if ob.status != "done":
            when = period_text(Period(ob.period, ob.start, ob.end))  # 2026年第1季度, not 2026-Q1
            lines.append(f"  {when}  {ob.label}：应开 {ob.required} 次，已开 {ob.held} 次（{STATUS_LABELS[ob.status]}）")
    lines += ["", f"提醒 {len(data.alerts)} 条："]
    lines += [f"  · {a.message}" for a in data.alerts] or ["  （无）"]
    voided = [(c, v) for c in data.meeting_checks for v in c.votes if not v.valid or not v.passes]
    if voided:  # votes that did not pass, and why (未达到法定人数，表决无效 / 未通过)
        lines += ["", "未通过的表决："]
        lines += [f"  · {format_date(c.held_on)}{c.meeting_type.label}“{v.title}”：赞成 {v.votes_for} 票，{v.verdict}"
                  for c, v in voided]
    lines += ["", "党员出勤与学时：", "  " + _pad("姓名", 10) + "  应到  出席  请假  缺席  未记  出勤率   学时"]
    for m in data.attendance:
        rate = f"{m.rate * 100:.1f}%" if m.expected else "—"  # nobody expected: no rate, not 0%
        lines.append(f"  {_pad(m.member, 10)}{m.expected:>6}{m.present:>6}{m.leave:>6}{m.absent:>6}"
                     f"{m.unrecorded:>6}{rate:>8}{m.study_hours:>7g}")
    if any(m.unrecorded for m in data.attendance):
        lines.append("  " + UNRECORDED_NOTE)
    return "\n".join(lines)


def run_stats(args: argparse.Namespace) -> int:
    if getattr(args, "all_branches", False):
        return _run_overview(args)
    from models.compliance import compliance_for_year

    db = open_from_args(args)
    try:
        branch_id = branch_id_from_args(db, args)
        with db.reading() as session:
            data = compliance_for_year(session, branch_id, int(args.year))
    finally:
        db.close()
    if args.json:
        print(json.dumps(as_json(data), ensure_ascii=False, indent=2))
    else:
        print(describe(data))
    return 0


def _run_overview(args: argparse.Namespace) -> int:
    from models.overview import describe_overview, overview_json

    data = load_overview(args)
    if args.json:
        print(json.dumps(overview_json(data), ensure_ascii=False, indent=2))
    else:
        print(describe_overview(data))
    return 0


def run_members(args: argparse.Namespace) -> int:
    from models.roster_import import import_roster, read_roster

    file = Path(args.file)
    if args.action == "export":
        from reports.xlsx_roster import export_roster

        db = open_from_args(args)
        try:
            branch_id = branch_id_from_args(db, args)
            with db.transaction() as session:
                count = export_roster(session, branch_id, file)
        finally:
            db.close()
        print(f"已导出 {count} 名党员到“{file}”（身份证号已隐去部分数字）。")
        return 0
    db = open_from_args(args)
    try:
        branch_id = branch_id_from_args(db, args)
        with db.reading() as session:
            preview = read_roster(session, branch_id, file)
        if preview.problems:
            raise BranchBookError(
                f"“{file.name}”中有 {len(preview.problems)} 处问题，未导入任何数据：\n"
                + "\n".join(preview.problems)
            )
        if args.dry_run:
            print(f"检查完毕：{len(preview.rows)} 名党员均可导入（试运行，未写入）。")
            return 0
        with db.transaction() as session:
            count = import_roster(session, branch_id, preview)
    finally:
        db.close()
    print(f"已导入 {count} 名党员。")
    return 0


def run_branches(args: argparse.Namespace) -> int:
    """``branches list`` and ``branches join KEEP OTHER`` (合并同名党支部)."""
    from models.branch_join import join_branches
    from models.branches import branch_list_text
    from models.roster import list_branches

    db = open_from_args(args)
    try:
        if args.action == "list":
            with db.reading() as session:
                branches = list_branches(session)
            names = [b.name for b in branches]
            print(branch_list_text(branches) or "（数据库中还没有党支部）")
            twins = sorted({n for n in names if names.count(n) > 1})
            if twins:
                print(f"同名党支部：{'、'.join(twins)}。核对无误后可用 branches join 保留编号 并入编号 合并。")
            return 0
        with db.transaction() as session:
            summary = join_branches(session, int(args.keep), int(args.other))
    finally:
        db.close()
    print(summary.describe())
    return 0
