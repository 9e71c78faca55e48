"""The compliance queries and the committee overview are portable SQL (issue 14 item 5): every
statement they run goes through SQLAlchemy (no raw driver cursor), is a Core/ORM construct (no
hand-written SQL text) and compiles for PostgreSQL without SQLite-only functions — so that a
committee's database can live on a server engine. The year's statistics, and the month grouping
that replaced the SQLite date arithmetic, then give the same answers on both engines."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.elements import TextClause

from models.compliance import compliance_for_year
from models.compliance_data import load_attendance, load_meetings, load_month_attendance
from models.db import Database, open_database
from models.enums import AttendanceStatus, LeaveReason, MeetingStatus, MeetingType
from models.meetings import AgendaInput, AttendanceInput, MeetingInput, create_meeting
from models.overview import committee_overview
from models.roster import list_branches
from tests.committee_support import committee_copy
from tests.models.factories import member

BOTH_ENGINES = True  # the tests taking ``db`` run on an SQLite file and on a PostgreSQL server

#: Functions and syntax SQLite has and a server engine (PostgreSQL) does not.
SQLITE_ONLY = re.compile(
    r"\b(substr|strftime|julianday|ifnull|group_concat|printf|datetime|date|instr|total|randomblob|unixepoch)\s*\(",
    re.IGNORECASE)


@dataclass
class Recorded:
    traced: list[str] = field(default_factory=list)  # every statement SQLite itself ran
    cursor: list[str] = field(default_factory=list)  # every statement SQLAlchemy sent to the driver
    issued: list[Any] = field(default_factory=list)  # what the code asked SQLAlchemy to execute


@pytest.fixture
def record() -> Iterator[Callable[[Database, Callable[[Session], object]], Recorded]]:
    def run(db: Database, work: Callable[[Session], object]) -> Recorded:
        seen = Recorded()

        def before_execute(_conn: Any, element: Any, *_args: Any) -> None:
            seen.issued.append(element)

        def before_cursor(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            seen.cursor.append(statement)

        with db.reading() as session:
            connection = session.connection()  # the transaction's BEGIN comes before the recording
            driver = connection.connection.driver_connection
            assert driver is not None
            event.listen(db.engine, "before_execute", before_execute)
            event.listen(db.engine, "before_cursor_execute", before_cursor)
            driver.set_trace_callback(seen.traced.append)
            try:
                work(session)
            finally:
                driver.set_trace_callback(None)
                event.remove(db.engine, "before_cursor_execute", before_cursor)
                event.remove(db.engine, "before_execute", before_execute)
        return seen

    yield run


def assert_portable(seen: Recorded) -> None:
    assert seen.issued, "nothing was recorded: the test would prove nothing"
    # A statement run on the driver's own cursor reaches SQLite without passing SQLAlchemy.
    assert len(seen.traced) == len(seen.cursor), (
        f"{len(seen.traced) - len(seen.cursor)} statement(s) bypassed SQLAlchemy:\n"
        + "\n".join(seen.traced[:5]))
    for element in seen.issued:
        assert isinstance(element, ClauseElement) and not isinstance(element, TextClause), (
            f"hand-written SQL instead of a SQLAlchemy construct: {element!r}")
        sql = str(element.compile(dialect=postgresql.dialect()))
        assert not SQLITE_ONLY.search(sql), f"SQLite-only function in:\n{sql}"
        assert "?" not in sql, f"SQLite placeholder in:\n{sql}"


def test_year_statistics_and_overview_run_portable_statements(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,
    record: Callable[[Database, Callable[[Session], object]], Recorded],
) -> None:
    db = open_database(committee_copy(tmp_path_factory, tmp_path))
    year = date.today().year
    try:
        with db.reading() as s:
            branches = [b.id for b in list_branches(s)]
        assert len(branches) == 3

        def statistics(session: Session) -> None:
            for branch_id in branches:
                for y in (year - 1, year):
                    compliance_for_year(session, branch_id, y)
                # the absence look-back into the previous year, restricted to some members
                load_month_attendance(session, branch_id, year - 1, None, [1, 2, 3])
                meetings = load_meetings(session, branch_id, year)
                load_attendance(session, [m.id for m in meetings])

        assert_portable(record(db, statistics))
        assert_portable(record(db, lambda session: committee_overview(session, year)))
    finally:
        db.close()


def _meet(db: Database, branch_id: int, day: date, marks: dict[int, AttendanceStatus],
          status: MeetingStatus = MeetingStatus.DRAFT) -> None:
    with db.transaction() as s:
        create_meeting(s, branch_id, MeetingInput(
            meeting_type=MeetingType.THEME_DAY, title=f"主题党日{day}", held_on=day, status=status,
            attendance=[AttendanceInput(mid, mark, LeaveReason.SICK if mark == AttendanceStatus.LEAVE else None)
                        for mid, mark in marks.items()],
            agenda=[AgendaInput("学习")]))


def test_month_counts_put_each_meeting_in_its_own_month(db: Database, branch_id: int) -> None:
    """Month ends, a leap day, the year's first and last days, a planned meeting and the
    ``end`` date that cuts a month in two: each row lands in its calendar month, once."""
    present, leave, absent = AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT
    with db.transaction() as s:
        a, b = member(s, branch_id, "甲"), member(s, branch_id, "乙")
    _meet(db, branch_id, date(2023, 12, 31), {a: absent, b: absent})  # the year before
    _meet(db, branch_id, date(2024, 1, 1), {a: present, b: leave})
    _meet(db, branch_id, date(2024, 1, 31), {a: absent, b: present})
    _meet(db, branch_id, date(2024, 2, 29), {a: leave, b: present})
    _meet(db, branch_id, date(2024, 3, 1), {a: present})
    _meet(db, branch_id, date(2024, 3, 20), {a: absent})
    _meet(db, branch_id, date(2024, 12, 31), {a: present, b: absent})
    _meet(db, branch_id, date(2025, 1, 1), {a: absent, b: absent})  # the year after
    _meet(db, branch_id, date(2024, 11, 15), {a: present, b: present}, MeetingStatus.PLANNED)  # not held
    with db.reading() as s:
        whole = load_month_attendance(s, branch_id, 2024)
        to_mid_march = load_month_attendance(s, branch_id, 2024, date(2024, 3, 19))
        only_b = load_month_attendance(s, branch_id, 2024, None, [b])
        before = load_month_attendance(s, branch_id, 2023)
    assert whole == {
        a: {(2024, 1): (2, 1, 0), (2024, 2): (1, 0, 1), (2024, 3): (2, 1, 0), (2024, 12): (1, 1, 0)},
        b: {(2024, 1): (2, 1, 1), (2024, 2): (1, 1, 0), (2024, 12): (1, 0, 0)},
    }
    assert to_mid_march == {a: {(2024, 1): (2, 1, 0), (2024, 2): (1, 0, 1), (2024, 3): (1, 1, 0)},
                            b: {(2024, 1): (2, 1, 1), (2024, 2): (1, 1, 0)}}
    assert only_b == {b: whole[b]}
    assert before == {a: {(2023, 12): (1, 0, 0)}, b: {(2023, 12): (1, 0, 0)}}


def test_year_statistics_on_either_engine(db: Database, branch_id: int) -> None:
    """Quorum from the roll, votes, obligations, absence and study hours through every query of
    compliance_for_year — the same answers whichever engine holds the records."""
    from models.notes import NoteInput, create_note

    present, absent = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT
    with db.transaction() as s:
        ids = [member(s, branch_id, f"党员{i}") for i in range(4)]
        create_note(s, branch_id, NoteInput(date(2024, 5, 6), "学习党章", hours=3.5, member_id=ids[0]))
    with db.transaction() as s:  # 1 of 4 present: no quorum, the vote is void
        create_meeting(s, branch_id, MeetingInput(
            meeting_type=MeetingType.GENERAL_ASSEMBLY, title="党员大会", held_on=date(2024, 2, 20),
            attendance=[AttendanceInput(ids[0])] + [AttendanceInput(m, absent) for m in ids[1:]],
            agenda=[AgendaInput("表决事项", votes_for=1)]))
    for month in range(1, 8):  # 党员3 misses seven months of 主题党日 in a row
        _meet(db, branch_id, date(2024, month, 10), {ids[0]: present, ids[1]: present, ids[2]: present,
                                                      ids[3]: absent})
    with db.reading() as s:
        data = compliance_for_year(s, branch_id, 2024, date(2024, 9, 15))
    q1 = next(o for o in data.obligations if o.meeting_type == MeetingType.GENERAL_ASSEMBLY and o.period == "2024-Q1")
    assert (q1.held, q1.status) == (1, "failed_quorum")
    [check] = data.meeting_checks
    assert check.quorum_met is False and [v.valid for v in check.votes] == [False]
    themes = [o for o in data.obligations if o.rule == MeetingType.THEME_DAY.value]
    assert [o.status for o in themes[:7]] == ["done"] * 7 and themes[7].status == "missing"
    rows = {m.member: (m.expected, m.present, m.leave, m.absent, m.study_hours) for m in data.attendance}
    assert rows == {"党员0": (8, 8, 0, 0, 3.5), "党员1": (8, 7, 0, 1, 0.0), "党员2": (8, 7, 0, 1, 0.0),
                    "党员3": (8, 0, 0, 8, 0.0)}
    assert [(a.kind, a.member) for a in data.alerts if a.kind.startswith("absence")] == [("absence_alert", "党员3")]
