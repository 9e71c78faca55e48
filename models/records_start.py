"""建账日期 — the start of a branch's records (Branch.records_since): nothing is due, missing or
alerted before it, so a branch set up in November is not told it missed January to October.

Decisions (the rules leave them open):
- A period (month, quarter, half-year, year) is due when it *ends* on or after the start of
  records, i.e. when its last month is on or after the start month: a branch whose records
  start on 1 November owes November's and December's monthly meetings, the fourth quarter's
  党员大会 and 党课 (the quarter ends in December) and the year's 组织生活会 and 民主评议, but
  nothing for January–October nor for the first three quarters. Meetings recorded inside a
  due period count toward it even when held before the start.
- Quorum alerts are raised only for meetings held on or after the start of records.
- The 自行脱党 absence watch counts months from the start month on: earlier months neither
  start nor extend a run.
- The yearly 32 学时 check applies only to years the records cover in full (start of records
  on or before 1 January of that year).
- No start of records (None: databases made before it existed) keeps every period due.
- Months of a year before the start that no due obligation covers are shown as 未建账
  (neutral grey) in the calendar grid, the annual ledger and the Excel export.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.compliance_data import MonthCounts
from models.entities import Branch
from models.validation import format_date

UNRECORDED_LABEL = "未建账"
UNRECORDED_COLOUR = "E7E6E6"  # neutral grey: not a fault


class _Dated(Protocol):
    @property
    def end(self) -> date: ...


class _Held(Protocol):
    @property
    def held_on(self) -> date: ...


D = TypeVar("D", bound=_Dated)
H = TypeVar("H", bound=_Held)


def records_since(session: Session, branch_id: int) -> date | None:
    """The branch's start of records, or None when it has none."""
    return session.scalar(select(Branch.records_since).where(Branch.id == branch_id))


def due_periods(items: Iterable[D], since: date | None) -> list[D]:
    """Keep the obligations (or periods) that end on or after the start of records."""
    return [item for item in items if since is None or item.end >= since]


def held_since(items: Iterable[H], since: date | None) -> list[H]:
    """Keep the meetings (or checks) held on or after the start of records."""
    return [item for item in items if since is None or item.held_on >= since]


def months_since(per_month: MonthCounts, since: date | None) -> MonthCounts:
    """Per-member monthly attendance counts without the months before the start month."""
    if since is None:
        return per_month
    first = (since.year, since.month)
    return {member: {ym: counts for ym, counts in months.items() if ym >= first}
            for member, months in per_month.items()}


def covers_year(since: date | None, year: int) -> bool:
    """Whether the records cover all of ``year``."""
    return since is None or since <= date(year, 1, 1)


def unrecorded_months(year: int, since: date | None) -> int:
    """How many leading months of ``year`` lie wholly before the start of records (0–12)."""
    if since is None or since.year < year:
        return 0
    if since.year > year:
        return 12
    return since.month - 1


def since_text(since: date) -> str:
    """建账日期为2026年11月1日，此前不计应开会议。"""
    return f"建账日期为{format_date(since)}，此前不计应开会议和缺席。"
