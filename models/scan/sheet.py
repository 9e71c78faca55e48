"""Who is on a meeting's 签到表 and in which order — shared by the printed sheet (reports/signin.py)
and the reader, which checks a photographed sheet against it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.enums import AttendanceStatus
from models.meeting_data import MeetingDetail
from models.name_order import group_key, name_key
from models.roster import MemberRow, expected_attendees, list_members
from models.scan.key import roster_crc


def _ordered(rows: list[MemberRow]) -> list[MemberRow]:
    """The one order of every document: party groups in their order, then 姓氏笔画."""
    return sorted(rows, key=lambda r: (group_key(r.group_name), name_key(r.name)))


def expected_members(session: Session, m: MeetingDetail) -> list[MemberRow]:
    """The members expected on the meeting's date (a sheet printed before attendance was kept)."""
    return _ordered(expected_attendees(session, m.branch_id, m.meeting_type, m.held_on, m.group_id))


def sheet_members(session: Session, m: MeetingDetail) -> list[MemberRow]:
    """Everyone 应到 as the sheet lists them: the meeting's attendance rows when there are any,
    else the members expected on the meeting's date."""
    if not m.attendance:
        return expected_members(session, m)
    ids = {a.member_id for a in m.attendance}
    return _ordered([r for r in list_members(session, m.branch_id, on=m.held_on) if r.id in ids])


def known_leave(m: MeetingDetail) -> dict[int, str]:
    """member id → “病假” … for leave recorded before the sheet is printed."""
    return {a.member_id: a.leave_reason.label if a.leave_reason else "其他"
            for a in m.attendance if a.status == AttendanceStatus.LEAVE}


def candidate_orders(session: Session, m: MeetingDetail) -> dict[str, list[MemberRow]]:
    """roster crc → member order, for every order the meeting's sheet may have been printed with
    (before and after attendance was first saved)."""
    out: dict[str, list[MemberRow]] = {}
    for rows in (sheet_members(session, m), expected_members(session, m)):
        out.setdefault(roster_crc(r.uuid for r in rows), rows)
    return out
