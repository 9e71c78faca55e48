"""延长预备期 (extended probation).

党章 第七条: a 预备党员's probation is one year; where the member needs further education and
observation it may be extended, but not by more than one year — and only once (《中国共产党发展
党员工作细则》 第三十五条). During the extension the member is still a 预备党员: on the roll and 应到,
but without a vote, so they count neither toward 应到会有表决权的党员 nor among the ballots.

Stored on the member (0005p): ``probation_extended_from`` (the day the ordinary year would have
ended, by default the first anniversary of 入党时间) and ``probation_extended_until`` — the end of
the extended probation, the first day on which 转正 is possible; the member is 预备 on every
day before it, whatever 转正时间 says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import audit
from models.entities import Member
from models.enums import AuditAction
from models.errors import ValidationError
from models.validation import format_date


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def ordinary_end(joined_on: date) -> date:
    """The end of the ordinary one-year probation: the first anniversary of 入党时间."""
    return add_years(joined_on, 1)


@dataclass(frozen=True)
class ProbationExtension:
    """A member's 延长预备期 as the editor shows it."""

    start_on: date
    until: date  # the extended probation ends: 转正 possible from this day
    note: str = ""

    @property
    def text(self) -> str:
        return f"延长预备期：{format_date(self.start_on)}至{format_date(self.until)}" + (f"（{self.note}）" if self.note else "")


def extension_of(member: Any) -> ProbationExtension | None:
    """The member's extension (None: none recorded). Works on any object with the columns."""
    until = getattr(member, "probation_extended_until", None)
    if until is None:
        return None
    start = getattr(member, "probation_extended_from", None) or ordinary_end(member.joined_on)
    return ProbationExtension(start, until, getattr(member, "probation_extension_note", "") or "")


def extended_on(member: Any, on: date) -> bool:
    """Still a 预备党员 on ``on`` because the probation was extended past it."""
    until = getattr(member, "probation_extended_until", None)
    return until is not None and on < until


def check_full_member_on(member: Any, full_member_on: date | None) -> None:
    """转正时间 may not fall inside an extended probation."""
    ext = extension_of(member)
    if ext is not None and full_member_on is not None and full_member_on < ext.until:
        raise ValidationError(
            f"该党员的预备期已延长至{format_date(ext.until)}，转正时间不能早于这一天，请修改转正时间。",
            field="full_member_on")


def extend_probation(
    session: Session, member_id: int, until: date, start_on: date | None = None, note: str = "",
) -> None:
    """Record a 延长预备期 from ``start_on`` (default: the first anniversary of 入党时间) to
    ``until``. Refused: a second extension, an extension longer than one year or ending before it
    starts, one starting before 入党时间, or one that a recorded 转正时间 already contradicts."""
    member = session.get(Member, member_id)
    if member is None:
        raise ValidationError("找不到该党员，可能已被删除。请刷新后重试。", field="member_id")
    if member.probation_extended_until is not None:
        raise ValidationError(
            f"“{member.name}”的预备期已延长过一次（至{format_date(member.probation_extended_until)}），"
            "按规定预备期只能延长一次。如登记有误，请先删除原记录。", field="probation_until")
    start = start_on or ordinary_end(member.joined_on)
    if start < member.joined_on:
        raise ValidationError("延长预备期的开始日期不能早于入党时间，请检查日期。", field="probation_from")
    if until <= start:
        raise ValidationError("延长预备期的结束日期应晚于开始日期，请检查日期。", field="probation_until")
    if until > add_years(start, 1):
        raise ValidationError(
            f"延长预备期最长不超过一年（自{format_date(start)}起，最迟至{format_date(add_years(start, 1))}），"
            "请修改结束日期。", field="probation_until")
    if member.full_member_on is not None and member.full_member_on < until:
        raise ValidationError(
            f"“{member.name}”已登记转正时间{format_date(member.full_member_on)}，早于延长预备期的结束日期。"
            "请先在党员信息中清除或修改转正时间，再登记延长预备期。", field="probation_until")
    member.probation_extended_from, member.probation_extended_until = start, until
    member.probation_extension_note = note.strip()
    session.flush()
    audit.record(session, AuditAction.UPDATE, "member", entity_uuid=member.uuid,
                 summary=f"党员“{member.name}”延长预备期：{format_date(start)}至{format_date(until)}",
                 branch_id=member.branch_id)


def delete_probation_extension(session: Session, member_id: int) -> None:
    """Remove a 延长预备期 entered by mistake."""
    member = session.get(Member, member_id)
    if member is None or member.probation_extended_until is None:
        raise ValidationError("该党员没有延长预备期的记录，请刷新后重试。", field="probation_until")
    member.probation_extended_from = member.probation_extended_until = None
    member.probation_extension_note = ""
    session.flush()
    audit.record(session, AuditAction.DELETE, "member", entity_uuid=member.uuid,
                 summary=f"删除党员“{member.name}”的延长预备期记录", branch_id=member.branch_id)
