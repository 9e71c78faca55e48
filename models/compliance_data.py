"""Set-based loading for the compliance computation: a few queries return plain tuples
(no per-meeting ORM loads), so a year on a ten-year database loads in milliseconds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy.orm import Session

from models.entities import (
    Member,
)
from models.enums import MeetingType
from models.errors import BranchBookError
from models.quorum import VoteInput

MonthCounts = dict[int, dict[tuple[int, int], tuple[int, int, int]]]


@dataclass(slots=True)
class MeetingFacts:
    id: int
    meeting_type: MeetingType
    held_on: date
    group_id: int | None
    lecturer: str
    is_election: bool
    recorded: int = 0  # attendance rows
    lecturer_member_id: int | None = None  # the 授课人 as a member (None: outside lecturer)



# The two queries over thousands of rows go straight to the SQLite driver (within the session's
# transaction): SQLAlchemy's per-row processing would cost more than the query itself.
_HELD = "m.branch_id = ? AND m.held_on >= ? AND m.held_on <= ? AND m.status != 'planned'"
# The attendance rows of each meeting are counted from the (meeting, member) index alone.
_MEETINGS_SQL = ("SELECT m.id, m.meeting_type, m.held_on, m.group_id, m.lecturer, m.is_election, "
                 "(SELECT count(*) FROM attendance a WHERE a.meeting_id = m.id), m.lecturer_member_id "
                 f"FROM meeting m WHERE {_HELD} ORDER BY m.held_on, m.id")
# Grouping on one integer (member id × 100 + month) is measurably cheaper than on two columns.
_MONTHS_SQL = (
    "SELECT a.member_id * 100 + CAST(substr(m.held_on, 6, 2) AS INTEGER) AS k, count(*), "
    "sum(a.status = 'present'), sum(a.status = 'leave') "
    f"FROM attendance a JOIN meeting m ON m.id = a.meeting_id WHERE {_HELD} {{members}} GROUP BY k"
)


def _raw(session: Session, sql: str, params: Sequence[Any]) -> list[Any]:
    if session.dirty or session.new or session.deleted:
        session.flush()  # the driver does not see pending ORM changes otherwise
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return list(driver.execute(sql, tuple(params)).fetchall())


def load_meetings(session: Session, branch_id: int, year: int) -> list[MeetingFacts]:
    types = {t.value: t for t in MeetingType}
    rows = _raw(session, _MEETINGS_SQL, (branch_id, f"{year:04d}-01-01", f"{year:04d}-12-31"))
    return [MeetingFacts(i, types[t], date.fromisoformat(d), g, lec or "", bool(e), n, who)
            for i, t, d, g, lec, e, n, who in rows]


def load_month_attendance(
    session: Session, branch_id: int, year: int, end: date | None = None, member_ids: Sequence[int] | None = None
) -> MonthCounts:
    """Per member and month of ``year`` (up to ``end``): (应到, 出席, 请假) — one grouped query."""
    params: list[Any] = [branch_id, f"{year:04d}-01-01", (end or date(year, 12, 31)).isoformat()]
    members = ""
    if member_ids is not None:
        members = f"AND a.member_id IN ({', '.join('?' * len(member_ids))})"
        params += list(member_ids)
    per_month: MonthCounts = defaultdict(dict)
    for key, total, present, leave in _raw(session, _MONTHS_SQL.format(members=members), params):
        per_month[key // 100][(year, key % 100)] = (total, present or 0, leave or 0)
    return per_month


# --- the roll, without ORM objects -------------------------------------------------------------


@dataclass(frozen=True)
class RollStatus:
    state: str
    effective_on: date


@dataclass(frozen=True)
class RollExemption:
    start_on: date
    end_on: date | None


@dataclass(frozen=True)
class RollTerm:
    office: str
    start_on: date | None
    end_on: date | None


@dataclass(frozen=True)
class RollGroupTerm:
    group_id: int
    start_on: date | None
    end_on: date | None


@dataclass
class RollMember:
    """The attributes the roster rules (state_on, is_expected, can_vote_on, the office and group
    terms …) read from a Member, loaded as plain tuples: five small queries instead of ORM objects."""

    id: int
    name: str
    group_id: int | None
    category: str
    full_member_on: date | None
    branch_role: str
    is_committee: bool
    statuses: list[RollStatus] = field(default_factory=list)
    exemptions: list[RollExemption] = field(default_factory=list)
    office_terms: list[RollTerm] = field(default_factory=list)
    group_memberships: list[RollGroupTerm] = field(default_factory=list)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def load_roll(session: Session, branch_id: int) -> list[Member]:
    members = {
        mid: RollMember(mid, name, gid, cat, _day(full), role, bool(committee))
        for mid, name, gid, cat, full, role, committee in _raw(
            session, "SELECT id, name, group_id, category, full_member_on, branch_role, is_committee "
                     "FROM member WHERE branch_id = ? ORDER BY id", (branch_id,))
    }
    for member_id, state, on in _raw(
        session, "SELECT s.member_id, s.state, s.effective_on FROM member_status s JOIN member m "
                 "ON m.id = s.member_id WHERE m.branch_id = ? ORDER BY s.effective_on, s.id", (branch_id,)
    ):
        members[member_id].statuses.append(RollStatus(state, date.fromisoformat(on)))
    for member_id, start, end in _raw(
        session, "SELECT e.member_id, e.start_on, e.end_on FROM member_exemption e JOIN member m "
                 "ON m.id = e.member_id WHERE m.branch_id = ?", (branch_id,)
    ):
        members[member_id].exemptions.append(RollExemption(date.fromisoformat(start), _day(end)))
    for member_id, office, start, end in _raw(
        session, "SELECT t.member_id, t.office, t.start_on, t.end_on FROM office_term t JOIN member m "
                 "ON m.id = t.member_id WHERE m.branch_id = ? ORDER BY t.start_on, t.id", (branch_id,)
    ):
        members[member_id].office_terms.append(RollTerm(office, _day(start), _day(end)))
    for member_id, group_id, start, end in _raw(
        session, "SELECT g.member_id, g.group_id, g.start_on, g.end_on FROM group_membership g JOIN member m "
                 "ON m.id = g.member_id WHERE m.branch_id = ? ORDER BY g.start_on, g.id", (branch_id,)
    ):
        members[member_id].group_memberships.append(RollGroupTerm(group_id, _day(start), _day(end)))
    # Duck-typed stand-ins for Member: the roster rules only read the attributes above.
    return cast(list[Member], list(members.values()))


def load_branch(session: Session, branch_id: int) -> tuple[str, list[tuple[int, str]]]:
    """The branch's name and its party groups (id, name) in their display order."""
    rows = _raw(session, "SELECT name FROM branch WHERE id = ?", (branch_id,))
    if not rows:
        raise BranchBookError("找不到该党支部，请重新选择。")
    groups = _raw(session, "SELECT id, name FROM party_group WHERE branch_id = ? ORDER BY sort_order, id",
                  (branch_id,))
    return rows[0][0], [(gid, name) for gid, name in groups]


def load_attendance(
    session: Session, meeting_ids: Sequence[int]
) -> tuple[dict[int, dict[int, str]], dict[int, list[VoteInput]]]:
    """Attendance (member → status) and votes (agenda items with a vote) of the meetings given."""
    attendance: dict[int, dict[int, str]] = defaultdict(dict)
    votes: dict[int, list[VoteInput]] = defaultdict(list)
    for start in range(0, len(meeting_ids), 500):
        ids = list(meeting_ids[start:start + 500])
        marks = ", ".join("?" * len(ids))
        for meeting_id, member_id, status in _raw(
            session, f"SELECT meeting_id, member_id, status FROM attendance WHERE meeting_id IN ({marks})", ids
        ):
            attendance[meeting_id][member_id] = status
        for meeting_id, title, v_for, v_against, v_abstain in _raw(
            session, "SELECT meeting_id, title, votes_for, votes_against, votes_abstain FROM agenda_item "
                     f"WHERE meeting_id IN ({marks}) AND (votes_for IS NOT NULL OR votes_against IS NOT NULL "
                     "OR votes_abstain IS NOT NULL) ORDER BY meeting_id, position", ids
        ):
            votes[meeting_id].append(VoteInput(title, int(v_for or 0), int(v_against or 0), int(v_abstain or 0)))
    return attendance, votes
