"""签到表: printed before a meeting — the 应到 members with a blank signature column and a
备注 column, then blank rows for 列席人员, and a line to total up 实到/请假/缺席 by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from sqlalchemy.orm import Session

from models.enums import AttendanceStatus, MemberCategory
from models.meetings import MeetingDetail, get_meeting
from models.roster import MemberRow, expected_attendees, list_members
from reports.layout import BODY_WIDTH, Styles, build_pdf, grid, para, spacer
from reports.minutes import branch_header, time_text

GUEST_ROWS = 5
SIGN_ROW_HEIGHT = 10 * mm


def signin_rows(session: Session, m: MeetingDetail) -> list[tuple[MemberRow, str]]:
    """(member, 备注) for everyone 应到: the meeting's attendance rows when there are any
    (请假 already known goes into 备注), else the members expected on the meeting's date."""
    if not m.attendance:
        return [(r, "") for r in expected_attendees(session, m.branch_id, m.meeting_type, m.held_on, m.group_id)]
    notes = {a.member_id: f"请假（{a.leave_reason.label if a.leave_reason else '其他'}）"
             if a.status == AttendanceStatus.LEAVE else "" for a in m.attendance}
    # in roster order (党小组, then 党龄), as for a meeting not yet held
    return [(r, notes[r.id]) for r in list_members(session, m.branch_id, on=m.held_on) if r.id in notes]


def signin_story(m: MeetingDetail, rows: list[tuple[MemberRow, str]], s: Styles) -> list[Flowable]:
    group = f"（{m.group_name}）" if m.group_name else ""
    info: list[list[Any]] = [
        [para("会议名称", s.label), para(m.title, s.cell), "", ""],
        [para("时　　间", s.label), para(time_text(m), s.cell), "", ""],
        [para("会议类型", s.label), para(m.meeting_type.label + group, s.cell), para("主持人", s.label),
         para(m.host, s.cell)],
        [para("地　　点", s.label), para(m.location, s.cell), "", ""],
    ]
    story: list[Flowable] = [
        para(f"{m.meeting_type.label}签到表", s.title), spacer(2),
        grid(s, info, [24 * mm, 54 * mm, 22 * mm, BODY_WIDTH - 100 * mm], header_rows=0,
             extra=[("SPAN", (1, r), (3, r)) for r in (0, 1, 3)]),
        spacer(4),
    ]
    head = [para(h, s.label) for h in ("序号", "姓　名", "党小组/单位", "类别", "本人签名", "备　注")]
    table: list[list[Any]] = [head]
    for n, (member, note) in enumerate(rows, 1):
        category = "预备" if member.category == MemberCategory.PROBATIONARY else "正式"
        table.append([para(str(n), s.cell_center), para(member.name, s.cell_center),
                      para(member.group_name, s.small_center), para(category, s.cell_center), "",
                      para(note, s.small_center)])
    # blank rows for 列席人员 (guests write their name and unit themselves)
    for n in range(len(rows) + 1, len(rows) + GUEST_ROWS + 1):
        table.append([para(str(n), s.cell_center), "", "", para("列席", s.cell_center), "", ""])
    widths = [12 * mm, 24 * mm, 30 * mm, 14 * mm, BODY_WIDTH - 110 * mm, 30 * mm]
    # fixed row heights leave room to sign
    story.append(grid(s, table, widths, row_heights=[None] + [SIGN_ROW_HEIGHT] * (len(rows) + GUEST_ROWS)))
    story.append(spacer(3))
    story.append(para(f"应到 {len(rows)} 人，实到____人，请假____人，缺席____人；列席____人。", s.cell))
    return story


def write_signin(session: Session, meeting_id: int, out: str | Path | BinaryIO, styles: Styles) -> None:
    m = get_meeting(session, meeting_id)
    branch = branch_header(session, m.branch_id)
    rows = signin_rows(session, m)
    build_pdf(out, signin_story(m, rows, styles), styles, title=f"{m.title}（签到表）",
              header=f"{branch.name}工作记录", author=branch.name,
              names={member.name for member, _note in rows} | {m.host})
