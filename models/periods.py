"""Which month or year a document is for: 本月汇编 and 年度台账 ask for a period, offering the
last month in which the branch held a meeting (planned ones do not count)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.entities import Meeting
from models.enums import MeetingStatus


def last_held_day(session: Session, branch_id: int, today: date | None = None) -> date | None:
    """The date of the branch's latest meeting held on or before ``today`` (not a 计划); None
    when there is none yet."""
    today = today or date.today()
    return session.scalar(
        select(func.max(Meeting.held_on)).where(
            Meeting.branch_id == branch_id, Meeting.held_on <= today,
            Meeting.status != str(MeetingStatus.PLANNED)))
