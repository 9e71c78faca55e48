"""The period a month's compilation or a year's ledger offers first: the last month with held meetings."""

from __future__ import annotations

from datetime import date

from models.db import Database
from models.enums import MeetingStatus, MeetingType
from models.meetings import MeetingInput, create_meeting
from models.periods import last_held_day


def _meeting(db: Database, branch_id: int, on: date, status: MeetingStatus = MeetingStatus.DRAFT) -> None:
    with db.transaction() as s:
        create_meeting(s, branch_id, MeetingInput(meeting_type=MeetingType.COMMITTEE, title="支委会", held_on=on,
                                                  status=status))


def test_last_held_day_skips_plans_and_the_future(db: Database, branch_id: int) -> None:
    with db.reading() as s:
        assert last_held_day(s, branch_id, date(2026, 11, 30)) is None
    _meeting(db, branch_id, date(2026, 3, 5))
    _meeting(db, branch_id, date(2026, 10, 12), MeetingStatus.PLANNED)  # planned and never held
    _meeting(db, branch_id, date(2026, 12, 20), MeetingStatus.PLANNED)
    with db.reading() as s:
        assert last_held_day(s, branch_id, date(2026, 11, 30)) == date(2026, 3, 5)
        assert last_held_day(s, branch_id, date(2026, 2, 1)) is None
