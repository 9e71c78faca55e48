"""党员名册导出 to .xlsx, in the columns the import reads back, and a second sheet 任职记录 with
every member's dated offices, committee seats and 党小组 history. ID numbers and phones are
masked unless the caller asks for them (SPEC §5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from models import audit, roster
from models.enums import AuditAction, BranchRole
from models.errors import BranchBookError
from models.validation import mask_id_number, mask_phone
from reports.xlsx_common import write_table

HEADERS = ("序号", "姓名", "性别", "出生日期", "民族", "联系电话", "身份证号", "入党时间", "转正时间",
           "党员类别", "所在党小组", "支部职务", "党籍状态", "备注")


TERMS_SHEET = "任职记录"
TERM_HEADERS = ("序号", "姓名", "类别", "职务或党小组", "起", "止", "备注")
SINCE_BEFORE_RECORDS, STILL = "建账前", "至今"


def term_rows(session: Session, branch_id: int, order: Sequence[int]) -> list[tuple[Any, ...]]:
    """Every member's 任职记录 (职务, 支委 seat) and 党小组 history, members in roster order
    (``order``: member ids), each member's terms oldest first."""
    members = {m.id: m for m in roster.load_members(session, branch_id)}
    groups = {g.id: g.name for g in roster.list_groups(session, branch_id)}
    rows: list[tuple[Any, ...]] = []
    for member_id in order:
        member = members.get(member_id)
        if member is None:
            continue
        terms: list[tuple[str, str, date | None, date | None, str]] = []
        for t in member.office_terms:
            office = BranchRole(t.office)
            if office == BranchRole.OTHER_COMMITTEE:
                terms.append(("支委", "支部委员会委员", t.start_on, t.end_on, t.note))
            elif office != BranchRole.NONE:
                terms.append(("职务", office.label, t.start_on, t.end_on, t.note))
        terms += [("党小组", groups.get(g.group_id, ""), g.start_on, g.end_on, "") for g in member.group_memberships]
        terms.sort(key=lambda t: (t[2] or date.min, t[0]))
        rows += [(len(rows) + i, member.name, kind, what, start or SINCE_BEFORE_RECORDS, end or STILL, note)
                 for i, (kind, what, start, end, note) in enumerate(terms, start=1)]
    return rows


def export_roster(
    session: Session, branch_id: int, path: Path, *, unmasked: bool = False, today: date | None = None
) -> int:
    """Write the branch's members (status as of ``today``) to ``path``; returns how many."""
    today = today or date.today()
    members = roster.list_members(session, branch_id, on=today)
    branch = next(b for b in roster.list_branches(session) if b.id == branch_id)
    rows = [
        (i, m.name, m.gender.label, m.birth_date, m.ethnicity,
         m.phone if unmasked else mask_phone(m.phone),
         m.id_number if unmasked else mask_id_number(m.id_number),
         m.joined_on, m.full_member_on, m.category.label, m.group_name,
         "" if m.branch_role == BranchRole.NONE else m.branch_role.label,
         m.state.label if m.state else "", m.note)
        for i, m in enumerate(members, start=1)
    ]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员名册"
    write_table(ws, HEADERS, rows, title=f"{branch.name}党员名册")
    terms = wb.create_sheet(TERMS_SHEET)
    write_table(terms, TERM_HEADERS, term_rows(session, branch_id, [m.id for m in members]),
                title=f"{branch.name}任职记录")
    try:
        wb.save(Path(path))
    except OSError as exc:
        raise BranchBookError(f"无法保存“{path}”：{exc.strerror or '文件被占用或没有写入权限'}，"
                              "请关闭已打开的同名文件或换一个位置。") from exc
    audit.record(session, AuditAction.EXPORT, "member",
                 summary=f"导出党员名册 {len(rows)} 名到“{Path(path).name}”"
                         + ("（含完整身份证号）" if unmasked else ""), branch_id=branch_id)
    return len(rows)
