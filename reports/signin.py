"""签到表: printed before a meeting — the 应到 members with a blank signature column and a
备注 column, then blank rows for 列席人员, and a line to total up 实到/请假/缺席 by hand."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable
from sqlalchemy.orm import Session

from models.enums import AttendanceStatus, MeetingType, MemberCategory
from models.meetings import MeetingDetail, get_meeting
from models.name_order import group_key, name_key
from models.roster import MemberRow, expected_attendees, list_members
from reports import docmodel as dm
from reports import pdf_render
from reports.layout import Styles, build_pdf
from reports.minutes import branch_header, time_text

GUEST_ROWS = 5
#: A sheet's title word where the type's own label reads oddly (“其他签到表”).
SIGNIN_LABELS = {MeetingType.OTHER: "支部活动"}
SIGN_ROW_MM = 10  # room to sign


def signin_rows(session: Session, m: MeetingDetail) -> list[tuple[MemberRow, str]]:
    """(member, 备注) for everyone 应到: the meeting's attendance rows when there are any
    (请假 already known goes into 备注), else the members expected on the meeting's date; in
    the one order of every document: party groups in their order, then 姓氏笔画."""
    if not m.attendance:
        rows = [(r, "") for r in expected_attendees(session, m.branch_id, m.meeting_type, m.held_on, m.group_id)]
    else:
        notes = {a.member_id: f"请假（{a.leave_reason.label if a.leave_reason else '其他'}）"
                 if a.status == AttendanceStatus.LEAVE else "" for a in m.attendance}
        rows = [(r, notes[r.id]) for r in list_members(session, m.branch_id, on=m.held_on) if r.id in notes]
    return sorted(rows, key=lambda row: (group_key(row[0].group_name), name_key(row[0].name)))


def signin_blocks(m: MeetingDetail, rows: list[tuple[MemberRow, str]]) -> list[dm.Block]:
    """The sign-in sheet as a neutral description (the PDF and the Word file draw it)."""
    group = f"（{m.group_name}）" if m.group_name else ""
    info = dm.FieldTable((
        dm.FieldRow((("会议名称", m.title),)),
        dm.FieldRow((("时　　间", time_text(m)),)),
        dm.FieldRow((("会议类型", m.meeting_type.label + group), ("主持人", m.host))),
        dm.FieldRow((("地　　点", m.location),)),
    ), label_mm=24, first_value_mm=54)
    table: list[tuple[str, ...]] = []
    for n, (member, note) in enumerate(rows, 1):
        category = "预备" if member.category == MemberCategory.PROBATIONARY else "正式"
        table.append((str(n), member.name, member.group_name, category, "", note))
    # 列席人员 already recorded sign beside their name; blank rows for the others
    for g in m.guests:
        table.append((str(len(table) + 1), g.name, g.unit, "列席", "", g.role))
    for _ in range(max(GUEST_ROWS - len(m.guests), 2)):
        table.append((str(len(table) + 1), "", "", "列席", "", ""))
    sheet = dm.Grid(("序号", "姓　名", "党小组/单位", "类别", "本人签名", "备　注"), tuple(table),
                    (12, 24, 30, 14, None, 30), name="签到表", small=False, row_height_mm=SIGN_ROW_MM)
    return [dm.Title(f"{SIGNIN_LABELS.get(m.meeting_type, m.meeting_type.label)}签到表"), info, sheet,
            dm.Text(f"应到 {len(rows)} 人，实到____人，请假____人，缺席____人；列席____人。", indent=False, small=True)]


def signin_story(m: MeetingDetail, rows: list[tuple[MemberRow, str]], s: Styles) -> list[Flowable]:
    return pdf_render.story(signin_blocks(m, rows), s)


def signin_document(session: Session, meeting_id: int) -> dm.Document:
    m = get_meeting(session, meeting_id)
    branch = branch_header(session, m.branch_id)
    rows = signin_rows(session, m)
    return dm.Document(title=f"{m.title}（签到表）", header=f"{branch.name}工作记录", author=branch.name,
                       blocks=signin_blocks(m, rows),
                       names={member.name for member, _note in rows} | {m.host} | {g.name for g in m.guests})


def write_signin(session: Session, meeting_id: int, out: str | Path | BinaryIO, styles: Styles) -> None:
    doc = signin_document(session, meeting_id)
    build_pdf(out, pdf_render.story(doc.blocks, styles), styles, title=doc.title, header=doc.header,
              author=doc.author, names=doc.names)
