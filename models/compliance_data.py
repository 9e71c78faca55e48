"""Set-based loading for the compliance computation: a few queries return plain tuples
(no per-meeting ORM loads), so a year on a ten-year database loads in milliseconds.

Every statement is SQLAlchemy Core built once at import, with bound parameters (dates bound
through the Date type), so the same code runs on SQLite and on a committee's server engine
(SPEC §6); SQLAlchemy caches each statement's compiled form per engine. The statements
name the tables' columns rather than the mapped classes, so the rows come back as plain
tuples without the ORM's per-row processing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    CompoundSelect,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from models.db import core_rows as _rows
from models.entities import (
    AgendaItem,
    Attendance,
    Branch,
    GroupMembership,
    Meeting,
    Member,
    MemberExemption,
    MemberStatus,
    OfficeTerm,
    PartyGroup,
)
from models.enums import AttendanceStatus, MeetingStatus, MeetingType
from models.errors import BranchBookError
from models.quorum import VoteInput

MonthCounts = dict[int, dict[tuple[int, int], tuple[int, int, int]]]

#: Ids per statement: well under every engine's limit of bound parameters.
_CHUNK = 500

_meeting = Meeting.__table__.c
_attendance = Attendance.__table__.c
_member = Member.__table__.c


#: Meetings whose attendance rows the compliance computation reads whatever their count.
_ROWS_READ = frozenset({MeetingType.OTHER, MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE})


class MeetingFacts(NamedTuple):
    """A held meeting as the year's rules read it (a named tuple: a year makes hundreds, each
    without a Python __init__ call)."""

    id: int
    meeting_type: MeetingType
    held_on: date
    group_id: int | None
    is_election: bool
    recorded: int = 0  # attendance rows (0 for 其他, 党员大会 and 支委会: see _RECORDED)
    lecturer_member_id: int | None = None  # the 授课人 as a member (None: outside lecturer)


def _constant(value: str | int) -> ColumnElement[Any]:
    """A fixed value written into the statement (standard SQL literal), not bound on every run:
    the month statement would otherwise carry a hundred parameters, each one processed per run."""
    return literal_column(f"'{value}'" if isinstance(value, str) else str(int(value)))


def _held(first: str, last: str) -> ColumnElement[bool]:
    """Meetings of the branch (not merely planned) dated from bound ``first`` to ``last``."""
    return and_(_meeting.branch_id == bindparam("branch_id"), _meeting.held_on >= bindparam(first),
                _meeting.held_on <= bindparam(last), _meeting.status != _constant(MeetingStatus.PLANNED.value))


# The attendance rows of each meeting are counted from the (meeting, member) index alone, and only
# where the count is read (models.compliance._outcomes): not for 其他, which has no 应到 rule, nor for
# 党员大会 and 支委会, whose rows are read anyway for the quorum — together most of the year's rows.
_RECORDED = case((_meeting.meeting_type.in_([_constant(t.value) for t in MeetingType if t not in _ROWS_READ]),
                  select(func.count()).where(_attendance.meeting_id == _meeting.id).scalar_subquery()),
                 else_=_constant(0))
_MEETINGS = (
    select(_meeting.id, _meeting.meeting_type, _meeting.held_on, _meeting.group_id, _meeting.is_election, _RECORDED,
           _meeting.lecturer_member_id)
    .where(_held("first", "last")).order_by(_meeting.held_on, _meeting.id)
)


#: The term of the partial index ix_attendance_not_present, written as it is there (a literal, not a
#: bound value) so that the engine sees the statement's rows are all in that index.
_NOT_PRESENT = _attendance.status != _constant(AttendanceStatus.PRESENT.value)
_JOINED = Attendance.__table__.join(Meeting.__table__, _meeting.id == _attendance.meeting_id)

#: What a count statement's third column says the count is of.
_ROWS, _ABSENT, _LEAVE = 0, 1, 2
_STATUS_OF = {_ABSENT: AttendanceStatus.ABSENT, _LEAVE: AttendanceStatus.LEAVE}

#: Most date ranges :func:`load_span_counts` and :func:`load_rows_within` ask in one statement (far
#: below SQLite's 500 parts).
MAX_SPANS = 48


def _count_part(what: int, span: int, first: str, last: str, members: bool) -> Select[Any]:
    """(member, ``span``, ``what``, count) of the held meetings from bound ``first`` to ``last``:
    every row (_ROWS), counted from the (meeting, member) index alone, or the 缺席 or 请假 rows, from
    the partial index of the rows that are not 出席 — about a tenth of them — so that no other row's
    status is read. Grouped within a range, so no month has to be computed from a date per row
    (date functions differ between engines too)."""
    stmt = (select(_attendance.member_id, _constant(span), _constant(what), func.count())
            .select_from(_JOINED).where(_held(first, last)))
    if what != _ROWS:
        stmt = stmt.where(_NOT_PRESENT, _attendance.status == _constant(_STATUS_OF[what].value))
    if members:
        stmt = stmt.where(_attendance.member_id.in_(bindparam("members", expanding=True)))
    return stmt.group_by(_attendance.member_id)


@lru_cache(maxsize=2 * MAX_SPANS)
def _counts(count: int, leave_per_range: bool, members: bool = False) -> CompoundSelect:
    """The counts of ``count`` date ranges (bound ``first_<n>``/``last_<n>``, n from 1; the rows
    number them from 0) in one statement: rows and 缺席 per range, and 请假 per range or (range
    −1) over all of them."""
    parts = []
    for n in range(1, count + 1):
        whats = (_ROWS, _ABSENT, _LEAVE) if leave_per_range else (_ROWS, _ABSENT)
        parts += [_count_part(what, n - 1, f"first_{n}", f"last_{n}", members) for what in whats]
    if not leave_per_range:
        parts.append(_count_part(_LEAVE, -1, "first_1", f"last_{count}", members))
    return union_all(*parts)


def _range_params(branch_id: int, spans: Sequence[tuple[date, date]]) -> dict[str, Any]:
    params: dict[str, Any] = {"branch_id": branch_id}
    for n, (first, last) in enumerate(spans, 1):
        params[f"first_{n}"], params[f"last_{n}"] = first, last
    return params


SpanCounts = dict[int, dict[int, tuple[int, int, int]]]


def load_span_counts(
    session: Session, branch_id: int, spans: Sequence[tuple[date, date]],
) -> tuple[SpanCounts, dict[int, int]]:
    """The year's counts as the statistics need them, in one statement that reads indexes only:
    per member and date range (index into ``spans``, consecutive, at most :data:`MAX_SPANS`):
    (rows, rows attended — 出席 or 请假 —, 0), which is all a month's verdict in the absence
    watch asks (models.compliance_alerts.month_verdicts); and per member their 请假 rows over all
    the ranges, which splits the attended rows of the year into 出席 and 请假. (Only the months
    with a 缺席 and the members with a 请假 come back besides the row counts: a few hundred rows,
    not one per member, month and status.)"""
    if not spans:
        return {}, {}
    counts: SpanCounts = defaultdict(dict)
    absent: list[tuple[int, int, int]] = []
    leave: dict[int, int] = {}
    for member_id, span, what, count in _rows(session, _counts(len(spans), False), _range_params(branch_id, spans)):
        if what == _ROWS:
            counts[member_id][span] = (count, count, 0)
        elif what == _ABSENT:
            absent.append((member_id, span, count))
        else:
            leave[member_id] = count
    for member_id, span, count in absent:  # (after the rows they belong to: the order is the engine's)
        own = counts[member_id]
        total = own[span][0]
        own[span] = (total, total - count, 0)
    return counts, leave


def month_spans(first: date, last: date) -> list[tuple[date, date]]:
    """The days from ``first`` to ``last`` as calendar months (the first and last cut to them)."""
    months: list[tuple[date, date]] = []
    day = first
    while day <= last:
        following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        months.append((day, min(last, following - timedelta(days=1))))
        day = following
    return months


def by_month(spans: Sequence[tuple[date, date]], counts: Mapping[int, Mapping[int, Any]]) -> dict[int, dict[Any, Any]]:
    """``counts`` per member and range of :func:`month_spans` keyed by (year, month) instead."""
    month_of = [(first.year, first.month) for first, _last in spans]
    return {member_id: {month_of[span]: tally for span, tally in by_span.items()}
            for member_id, by_span in counts.items()}


def _within_part(n: int) -> Select[Any]:
    """The rows of member ``member_<n>`` at the held meetings from ``first_<n>`` to ``last_<n>``: for
    each meeting one look into the (meeting, member) index."""
    return (
        select(_attendance.member_id, func.count())
        .select_from(_JOINED)
        .where(_held(f"first_{n}", f"last_{n}"), _attendance.member_id == bindparam(f"member_{n}"))
        .group_by(_attendance.member_id)
    )


@lru_cache(maxsize=MAX_SPANS)
def _within(count: int) -> CompoundSelect:
    return union_all(*(_within_part(n) for n in range(1, count + 1)))


def load_rows_within(
    session: Session, branch_id: int, ranges: Sequence[tuple[int, date, date]],
) -> dict[int, int]:
    """Member id → their attendance rows at the held meetings inside the (member id, first, last)
    ranges given (at most :data:`MAX_SPANS` of them) — one statement."""
    if not ranges:
        return {}
    params: dict[str, Any] = {"branch_id": branch_id}
    for n, (member_id, first, last) in enumerate(ranges, 1):
        params[f"member_{n}"], params[f"first_{n}"], params[f"last_{n}"] = member_id, first, last
    found: dict[int, int] = defaultdict(int)
    for member_id, count in _rows(session, _within(len(ranges)), params):
        found[member_id] += count
    return found


def load_meetings(session: Session, branch_id: int, year: int) -> list[MeetingFacts]:
    types = {t.value: t for t in MeetingType}
    rows = _rows(session, _MEETINGS, {"branch_id": branch_id, "first": date(year, 1, 1), "last": date(year, 12, 31)})
    make = tuple.__new__
    return [make(MeetingFacts, (i, types[t], d, g, bool(e), n, who)) for i, t, d, g, e, n, who in rows]


def load_month_attendance(
    session: Session, branch_id: int, year: int, end: date | None = None, member_ids: Sequence[int] | None = None,
    since: date | None = None,
) -> MonthCounts:
    """Per member and month of ``year`` (from ``since``, up to ``end``): (rows, 出席, 请假) — one
    statement."""
    first = max(date(year, 1, 1), since) if since is not None else date(year, 1, 1)
    spans = month_spans(first, min(end or date(year, 12, 31), date(year, 12, 31)))
    if not spans:
        return {}
    params = _range_params(branch_id, spans)
    if member_ids is not None:
        params["members"] = list(member_ids)
    counts: dict[int, dict[int, list[int]]] = defaultdict(dict)  # member → range → rows, 缺席, 请假
    for member_id, span, what, count in _rows(session, _counts(len(spans), True, member_ids is not None), params):
        counts[member_id].setdefault(span, [0, 0, 0])[what] = count
    return by_month(spans, {member_id: {span: (rows, rows - absent - leave, leave)
                                        for span, (rows, absent, leave) in by_span.items()}
                            for member_id, by_span in counts.items()})


#: What a member's 应到 at a meeting depends on besides its day (models.quorum.DayRoll.expected):
#: KIND_EVERYONE for 党员大会/党课/主题党日/组织生活会/民主评议, KIND_COMMITTEE for 支委会, the group
#: id for 党小组会 (0: one without a group, where nobody is 应到), KIND_OTHER for 其他 (no 应到 rule).
KIND_EVERYONE, KIND_COMMITTEE, KIND_OTHER = -3, -1, -2


_OTHER, _COMMITTEE, _GROUP = MeetingType.OTHER, MeetingType.COMMITTEE, MeetingType.GROUP  # (read per meeting)


def meeting_kind(meeting_type: MeetingType, group_id: int | None) -> int:
    if meeting_type == _OTHER:
        return KIND_OTHER
    if meeting_type == _COMMITTEE:
        return KIND_COMMITTEE
    if meeting_type == _GROUP:
        return group_id or 0
    return KIND_EVERYONE


_TYPE = _meeting.meeting_type


def _kind_part(kind: ColumnElement[Any], *grouping: ColumnElement[Any], where: ColumnElement[bool]) -> Select[Any]:
    return (
        select(_attendance.member_id, kind, func.count())
        .select_from(_JOINED)
        .where(_held("first", "last"), where)
        .group_by(_attendance.member_id, *grouping)
    )


# One part per kind rather than one grouping on a kind computed per row (a CASE for each of the
# year's rows costs more than the three index scans together).
_KINDS = union_all(
    _kind_part(func.coalesce(_meeting.group_id, _constant(0)), _meeting.group_id,
               where=_TYPE == _constant(MeetingType.GROUP.value)),
    _kind_part(_constant(KIND_COMMITTEE), where=_TYPE == _constant(MeetingType.COMMITTEE.value)),
    _kind_part(_constant(KIND_EVERYONE),
               where=_TYPE.not_in([_constant(t.value) for t in (MeetingType.GROUP, MeetingType.COMMITTEE,
                                                                 MeetingType.OTHER)])),
)


def load_kind_counts(session: Session, branch_id: int, first: date, last: date) -> dict[int, dict[int, int]]:
    """Member id → kind (KIND_EVERYONE, KIND_COMMITTEE or a group id) → attendance rows at the held
    meetings but 其他 from ``first`` to ``last``, counted from the (meeting, member) index alone:
    whether a member has rows at meetings they were not 应到 at (another group's, the
    committee's), and — with the rows of the month statement — how many rows are at 其他."""
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for member_id, kind, count in _rows(session, _KINDS, {"branch_id": branch_id, "first": first, "last": last}):
        own = counts[member_id]
        own[kind] = own.get(kind, 0) + count  # (a group without id and one with id 0 are one kind)
    return counts


_HELD_MEETINGS = (select(_meeting.id, _meeting.meeting_type, _meeting.held_on, _meeting.group_id)
                  .where(_held("first", "last")))


def load_held_between(
    session: Session, branch_id: int, first: date, last: date,
) -> list[tuple[int, MeetingType, date, int | None]]:
    """(id, type, date, group) of the held meetings from ``first`` to ``last``."""
    return [(i, MeetingType(t), d, g)
            for i, t, d, g in _rows(session, _HELD_MEETINGS, {"branch_id": branch_id, "first": first, "last": last})]


_MEMBER_ROWS = (
    select(_attendance.meeting_id, _attendance.member_id, _attendance.status)
    .select_from(_JOINED)
    .where(_held("first", "last"), _attendance.member_id.in_(bindparam("members", expanding=True)))
)


def load_member_rows(
    session: Session, branch_id: int, first: date, last: date, member_ids: Sequence[int],
) -> dict[int, dict[int, str]]:
    """Member id → {meeting id → status} for the held meetings from ``first`` to ``last``: the
    exact rows of the few members whose place on the roll changes during the year."""
    rows: dict[int, dict[int, str]] = defaultdict(dict)
    for start in range(0, len(member_ids), _CHUNK):
        params = {"branch_id": branch_id, "first": first, "last": last,
                  "members": list(member_ids[start:start + _CHUNK])}
        for meeting_id, member_id, status in _rows(session, _MEMBER_ROWS, params):
            rows[member_id][meeting_id] = status
    return rows


# --- the roll, without ORM objects -------------------------------------------------------------


# Value records of the roll: named tuples (immutable, and made without a Python __init__ call —
# a year's statistics read a few hundred of them)
class RollStatus(NamedTuple):
    state: str
    effective_on: date


class RollExemption(NamedTuple):
    start_on: date
    end_on: date | None


class RollTerm(NamedTuple):
    office: str
    start_on: date | None
    end_on: date | None


class RollGroupTerm(NamedTuple):
    group_id: int
    start_on: date | None
    end_on: date | None


@dataclass(slots=True)
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
    probation_extended_until: date | None = None  # 延长预备期: 预备 (no vote) before this day


_OF_BRANCH = _member.branch_id == bindparam("branch_id")
_ROLL = (select(_member.id, _member.name, _member.group_id, _member.category, _member.full_member_on,
                _member.branch_role, _member.is_committee, _member.probation_extended_until)
         .where(_OF_BRANCH).order_by(_member.id))
_status, _exemption = MemberStatus.__table__.c, MemberExemption.__table__.c
_term, _membership = OfficeTerm.__table__.c, GroupMembership.__table__.c
_STATUSES = (select(_status.member_id, _status.state, _status.effective_on)
             .join_from(MemberStatus.__table__, Member.__table__, _member.id == _status.member_id)
             .where(_OF_BRANCH).order_by(_status.effective_on, _status.id))
_EXEMPTIONS = (select(_exemption.member_id, _exemption.start_on, _exemption.end_on)
               .join_from(MemberExemption.__table__, Member.__table__, _member.id == _exemption.member_id)
               .where(_OF_BRANCH))
_TERMS = (select(_term.member_id, _term.office, _term.start_on, _term.end_on)
          .join_from(OfficeTerm.__table__, Member.__table__, _member.id == _term.member_id)
          .where(_OF_BRANCH).order_by(_term.start_on, _term.id))
_MEMBERSHIPS = (select(_membership.member_id, _membership.group_id, _membership.start_on, _membership.end_on)
                .join_from(GroupMembership.__table__, Member.__table__, _member.id == _membership.member_id)
                .where(_OF_BRANCH).order_by(_membership.start_on, _membership.id))


def load_roll(session: Session, branch_id: int) -> list[Member]:
    of_branch = {"branch_id": branch_id}
    members = {
        mid: RollMember(mid, name, gid, cat, full, role, bool(committee), probation_extended_until=extended)
        for mid, name, gid, cat, full, role, committee, extended in _rows(session, _ROLL, of_branch)
    }
    make = tuple.__new__
    for member_id, state, on in _rows(session, _STATUSES, of_branch):
        members[member_id].statuses.append(make(RollStatus, (state, on)))
    for member_id, start, end in _rows(session, _EXEMPTIONS, of_branch):
        members[member_id].exemptions.append(make(RollExemption, (start, end)))
    for member_id, office, start, end in _rows(session, _TERMS, of_branch):
        members[member_id].office_terms.append(make(RollTerm, (office, start, end)))
    for member_id, group_id, start, end in _rows(session, _MEMBERSHIPS, of_branch):
        members[member_id].group_memberships.append(make(RollGroupTerm, (group_id, start, end)))
    # Duck-typed stand-ins for Member: the roster rules only read the attributes above.
    return cast(list[Member], list(members.values()))


@dataclass(frozen=True)
class BranchFacts:
    name: str
    groups: list[tuple[int, str]]  # party groups (id, name) in their display order
    records_since: date | None  # 建账日期


_branch, _group = Branch.__table__.c, PartyGroup.__table__.c
_BRANCH = select(_branch.name, _branch.records_since).where(_branch.id == bindparam("branch_id"))
_GROUPS = (select(_group.id, _group.name).where(_group.branch_id == bindparam("branch_id"))
           .order_by(_group.sort_order, _group.id))


def load_branch(session: Session, branch_id: int) -> BranchFacts:
    """The branch's name, its party groups and its start of records."""
    rows = _rows(session, _BRANCH, {"branch_id": branch_id})
    if not rows:
        raise BranchBookError("找不到该党支部，请重新选择。")
    groups = _rows(session, _GROUPS, {"branch_id": branch_id})
    return BranchFacts(rows[0][0], [(gid, name) for gid, name in groups], rows[0][1])


_item = AgendaItem.__table__.c
_MEETING_IDS: BindParameter[Any] = bindparam("meetings", expanding=True)
_ATTENDANCE = select(_attendance.meeting_id, _attendance.member_id, _attendance.status).where(
    _attendance.meeting_id.in_(_MEETING_IDS))
_VOTES = (
    select(_item.meeting_id, _item.title, _item.votes_for, _item.votes_against, _item.votes_abstain)
    .where(_item.meeting_id.in_(_MEETING_IDS),
           (_item.votes_for.is_not(None)) | _item.votes_against.is_not(None) | _item.votes_abstain.is_not(None))
    .order_by(_item.meeting_id, _item.position)
)


def load_attendance(
    session: Session, meeting_ids: Sequence[int]
) -> tuple[dict[int, dict[int, str]], dict[int, list[VoteInput]]]:
    """Attendance (member → status) and votes (agenda items with a vote) of the meetings given."""
    attendance: dict[int, dict[int, str]] = defaultdict(dict)
    votes: dict[int, list[VoteInput]] = defaultdict(list)
    for start in range(0, len(meeting_ids), _CHUNK):
        chunk = {"meetings": list(meeting_ids[start:start + _CHUNK])}
        for meeting_id, member_id, status in _rows(session, _ATTENDANCE, chunk):
            attendance[meeting_id][member_id] = status
        for meeting_id, title, v_for, v_against, v_abstain in _rows(session, _VOTES, chunk):
            votes[meeting_id].append(VoteInput(title, int(v_for or 0), int(v_against or 0), int(v_abstain or 0)))
    return attendance, votes
