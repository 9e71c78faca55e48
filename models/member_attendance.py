"""党员参加组织生活情况: each member's 应到 / 出席 / 请假 / 缺席 / 未记 in a year, from the dated roll
(SPEC §3 "应到 from the roll, always") — the table of the 统计与提醒 page, ``stats``, the Excel
export's 出勤统计 and the annual ledger's section 三.

Decisions (the rules leave them open):
- 应到 counts every held meeting (not 计划, on or after the 建账日期, up to today) at which the
  member was expected by the dated roll as of its date — the same sets that decide the meeting's
  own 应到 and quorum (:class:`models.quorum.RollIndex`): 党员大会, 党课, 主题党日, 组织生活会 and
  民主评议 everyone on the roll and not exempt (预备党员 included: they attend without a vote),
  支委会 the committee of that day, 党小组会 that group's members of that day.
- 未记 (unrecorded): the member was 应到 but the meeting's list has no row for them. It is no
  evidence either way — neither 出席 nor 缺席 — and the meeting is reported 名单不全 / 出席情况不完整
  elsewhere, so the secretary completes the list. Hence 应到 = 出席 + 请假 + 缺席 + 未记.
- A row at a meeting the member was not 应到 at (another group's 党小组会, a day after a 转出)
  counts nowhere in this table.
- 其他 (共建活动, 谈心谈话 …) has no 应到 rule: whoever its list names is 应到 there (as the
  meetings list, which flags no 其他 as 名单不全), never 未记.

How it stays one sweep per year: 应到 is counted per stretch of the roll (the days between two
changes of anybody's place on it, models.quorum.RollIndex) and kind of meeting, then handed to
that stretch's 应到 set — no question per meeting and member. The rows come from the month
statement the absence watch reads anyway (models.compliance_data.load_span_counts), plus one index-only count of each
member's rows per kind of meeting but 其他 (models.compliance_data.load_kind_counts; the member's
other rows are at 其他): a member whose place does not change during the year and who has no row
at a meeting of a kind they are not 应到 at (the usual case) has every row at a meeting they were
应到 at; so has one who joins, leaves or is exempted during the year, keeping their committee seat
and group while on the roll, with no row on a day off it (a month wholly off it by its count, the
days of a month partly off it by one small statement: :func:`_rows_off_roll`). Only the few
others — a 换届, a move between groups, a record entered before the roll was corrected — are
checked row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import offices, roster
from models.compliance_data import (
    KIND_COMMITTEE,
    KIND_EVERYONE,
    MAX_SPANS,
    MeetingFacts,
    load_held_between,
    load_kind_counts,
    load_member_rows,
    load_rows_within,
    meeting_kind,
)
from models.enums import AttendanceStatus, MeetingType
from models.quorum import DayRoll, RollIndex

__all__ = ["UNRECORDED_NOTE", "MemberAttendance", "Tally", "member_attendance", "unrecorded_between", "year_counts"]

_PRESENT, _LEAVE = str(AttendanceStatus.PRESENT), str(AttendanceStatus.LEAVE)

#: What 未记 means, under every table that shows it.
UNRECORDED_NOTE = ("未记：按会议当日的党员名册应参加、但该次会议未登记其出席情况的次数，不计为缺席，"
                   "请在会议记录中补登；应到 = 出席 + 请假 + 缺席 + 未记。")

#: (应到, 出席, 请假, 缺席, 未记) of one member
Tally = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class MemberAttendance:
    """One member's year: ``expected`` (应到) = present + leave + absent + unrecorded (未记)."""

    member_id: int
    member: str
    expected: int
    present: int
    leave: int
    absent: int
    rate: float
    study_hours: float
    group_name: str = ""
    unrecorded: int = 0


class _Counts:
    """Running 应到 (without 其他), rows at those meetings, 出席, 请假 and rows at 其他."""

    __slots__ = ("expected", "leave", "other", "present", "rows")

    def __init__(self) -> None:
        self.expected = self.rows = self.present = self.leave = self.other = 0


def _places(roll: RollIndex) -> tuple[dict[int, set[int]], set[int], set[int]]:
    """(member id → the kinds of 支委会/党小组会 they are 应到 at whenever they are on the roll,
    for the members whose committee seat and group do not change during the year; the members
    whose seat or group does change; those of the first who come onto the roll or leave it — a
    join, a 转出, an exemption — during the year). A member whose histories change only in ways
    that leave their 应到 alone (a 转正 changes the vote, not the place) is steady."""
    base = roll.base
    kinds: dict[int, set[int]] = {mid: set() for mid in base.everyone}
    for mid in base.committee:
        kinds[mid].add(KIND_COMMITTEE)
    for gid, ids in base.groups.items():
        for mid in ids:
            kinds[mid].add(gid)
    moving: set[int] = set()
    coming: set[int] = set()
    if roll.changing:
        days = [roll.on(day) for day in (roll.first, *roll.breaks)]
        for member in roll.changing:
            mid = member.id
            places = {(mid in d.committee, next((g for g, ids in d.groups.items() if mid in ids), None))
                      for d in days if mid in d.everyone}
            if len(places) > 1:
                moving.add(mid)
                continue
            if len(places) == 1:
                ((committee, group),) = places
                own = kinds[mid] = set()
                if committee:
                    own.add(KIND_COMMITTEE)
                if group is not None:
                    own.add(group)
                if any(mid not in d.everyone for d in days):
                    coming.add(mid)
    return kinds, moving, coming


def _off_roll(roll: RollIndex, members: Iterable[int], first: date, last: date) -> list[tuple[int, date, date]]:
    """(member id, first day, last day) of each run of days from ``first`` to ``last`` on which one of
    ``members`` was not 应到 at anything — off the roll or exempt (the stretches of the roll)."""
    starts = [roll.first, *roll.breaks]
    stretches = [(roll.on(day), day, (starts[k + 1] - timedelta(days=1)) if k + 1 < len(starts) else roll.last)
                 for k, day in enumerate(starts)]
    ranges: list[tuple[int, date, date]] = []
    for mid in sorted(members):
        run: list[date] | None = None
        for day_roll, start, end in stretches:
            start, end = max(start, first), min(end, last)
            if start > end or mid in day_roll.everyone:
                continue
            if run is not None and run[1] + timedelta(days=1) == start:
                run[1] = end
            else:
                if run is not None:
                    ranges.append((mid, run[0], run[1]))
                run = [start, end]
        if run is not None:
            ranges.append((mid, run[0], run[1]))
    return ranges


def _expected(meetings: Sequence[MeetingFacts], roll: RollIndex, counts: dict[int, _Counts]) -> None:
    """Add each member's 应到 over ``meetings`` (其他 aside): the meetings are counted per stretch
    of the roll and kind. A member whose place does not change all year is in every stretch's
    set of their kinds, so gets the year's count of those kinds; only the others are looked up
    stretch by stretch."""
    per_stretch: dict[tuple[int, int], tuple[DayRoll, MeetingFacts, list[int]]] = {}
    on, known = roll.on, roll.by_day
    other = MeetingType.OTHER
    for m in meetings:
        if m.meeting_type == other:
            continue
        day = known.get(m.held_on) or on(m.held_on)
        key = (id(day), meeting_kind(m.meeting_type, m.group_id))
        found = per_stretch.get(key)
        if found is None:
            per_stretch[key] = (day, m, [1])
        else:
            found[2][0] += 1
    per_kind: dict[int, int] = defaultdict(int)
    for (_day, kind), (_roll, _sample, (n,)) in per_stretch.items():
        per_kind[kind] += n
    base = roll.base
    changing = {m.id for m in roll.changing}

    def add(ids: frozenset[int] | set[int], n: int) -> None:
        if not n:
            return
        for mid in ids:
            cell = counts.get(mid)
            if cell is None:
                cell = counts[mid] = _Counts()
            cell.expected += n

    # the members whose place does not change are in base, and in every stretch's sets
    add(base.everyone, per_kind.get(KIND_EVERYONE, 0))
    add(base.committee, per_kind.get(KIND_COMMITTEE, 0))
    for gid, ids in base.groups.items():
        add(ids, per_kind.get(gid, 0))
    if changing:
        for day, sample, (n,) in per_stretch.values():
            add(changing & day.expected(sample.meeting_type, sample.group_id), n)


def _needs_rows(mid: int, steady: Mapping[int, set[int]], kinds: Mapping[int, int], rows: int) -> bool:
    """Whether a member whose place does not change has rows at meetings they were not 应到 at
    (``kinds``: their rows at meetings but 其他 by kind; ``rows``: all but 其他)."""
    own = steady.get(mid)
    if own is None:  # off the roll or exempt all year: any row but 其他 is one
        return rows > 0
    return any(kind not in own and kind != KIND_EVERYONE for kind in kinds)


def _rows_off_roll(
    session: Session, branch_id: int, roll: RollIndex, spans: Sequence[tuple[date, date]],
    counts: Mapping[int, Mapping[int, tuple[int, int, int]]], members: set[int],
) -> set[int]:
    """Those of ``members`` with attendance rows on days they were off the roll or exempt: a month
    wholly off it from its count, a month partly off it from the rows of those days (one statement;
    all of ``members`` should there be more than :data:`MAX_SPANS` such pieces)."""
    found: set[int] = set()
    pieces: list[tuple[int, date, date]] = []
    for mid, start, end in _off_roll(roll, members, spans[0][0], spans[-1][1]):
        for span, (first, last) in enumerate(spans):
            if last < start or first > end:
                continue
            if start <= first and last <= end:
                if counts[mid].get(span, (0,))[0]:
                    found.add(mid)
            else:
                pieces.append((mid, max(first, start), min(last, end)))
    pieces = [piece for piece in pieces if piece[0] not in found]
    if len(pieces) > MAX_SPANS:
        return members
    return found | {mid for mid, rows in load_rows_within(session, branch_id, pieces).items() if rows}


def year_counts(
    session: Session, branch_id: int, meetings: Sequence[MeetingFacts], roll: RollIndex,
    spans: Sequence[tuple[date, date]], counts: Mapping[int, Mapping[int, tuple[int, int, int]]],
    leave_rows: Mapping[int, int],
) -> dict[int, Tally]:
    """Member id → the year's :data:`Tally`. ``meetings``: the held meetings counted, over the days
    of ``spans`` (models.compliance_data.month_spans); ``counts``: rows and rows attended (出席 or 请假) per
    member and span, ``leave_rows``: 请假 rows per member over all of them
    (:func:`models.compliance_data.load_span_counts`)."""
    tallies: dict[int, _Counts] = {}
    _expected(meetings, roll, tallies)
    first, last = spans[0][0], spans[-1][1]
    kinds = load_kind_counts(session, branch_id, first, last)
    steady, moving, coming = _places(roll)
    # those who come onto the roll or leave it during the year: rows on a day they were off it?
    coming = {mid for mid in coming if mid in counts}
    if coming:
        coming = _rows_off_roll(session, branch_id, roll, spans, counts, coming)
    exact: list[int] = []
    none: dict[int, int] = {}
    for mid, by_span in counts.items():
        rows = attended = 0
        for total, came, _unused in by_span.values():
            rows, attended = rows + total, attended + came
        if not rows:
            continue
        leave = leave_rows.get(mid, 0)
        present = attended - leave
        own_kinds = kinds.get(mid, none)
        others = rows - sum(own_kinds.values())  # rows at 其他
        if mid in moving or mid in coming or _needs_rows(mid, steady, own_kinds, rows - others):
            exact.append(mid)  # rows possibly at meetings the member was not 应到 at: checked one by one
            continue
        cell = tallies.get(mid)
        if cell is None:
            cell = tallies[mid] = _Counts()
        cell.rows, cell.present, cell.leave, cell.other = rows - others, present, leave, others
    if exact:
        by_id = {m.id: m for m in meetings}
        for mid, statuses in load_member_rows(session, branch_id, first, last, exact).items():
            cell = tallies.get(mid)
            if cell is None:
                cell = tallies[mid] = _Counts()
            for meeting_id, status in statuses.items():
                m = by_id.get(meeting_id)
                if m is None:
                    continue
                if m.meeting_type == MeetingType.OTHER:
                    cell.other += 1
                elif mid in roll.on(m.held_on).expected(m.meeting_type, m.group_id):
                    cell.rows += 1
                else:
                    continue  # a row at a meeting the member was not 应到 at
                cell.present += status == _PRESENT
                cell.leave += status == _LEAVE
    return {mid: (c.expected + c.other, c.present, c.leave, c.rows + c.other - c.present - c.leave,
                  c.expected - c.rows)
            for mid, c in tallies.items() if c.expected or c.other}


def unrecorded_between(
    session: Session, branch_id: int, member: Any, first: date, last: date,
    known: tuple[Sequence[MeetingFacts], RollIndex] | None = None,
) -> int:
    """Meetings from ``first`` to ``last`` that ``member`` was 应到 at without a row (未记).
    ``known``: the held meetings and the roll of a year that holds ``first`` to ``last``."""
    if first > last:
        return 0
    rows = load_member_rows(session, branch_id, first, last, [member.id]).get(member.id, {})
    if known is not None:
        held, roll = known
        on = roll.on
        return sum(1 for m in held if first <= m.held_on <= last and m.meeting_type != MeetingType.OTHER
                   and m.id not in rows and member.id in on(m.held_on).expected(m.meeting_type, m.group_id))
    meetings, roll = load_held_between(session, branch_id, first, last), RollIndex([member], first, last)
    return sum(1 for mid, kind, day, group_id in meetings
               if kind != MeetingType.OTHER and mid not in rows and member.id in roll.on(day).expected(kind, group_id))


def member_attendance(
    groups: list[tuple[int, str]], members: Sequence[Any], tallies: Mapping[int, Tally],
    hours: Mapping[int, float], on: date,
) -> list[MemberAttendance]:
    """One row per member, grouped by 党小组 in the branch's order (第一、第二、第三 — not the
    code-point order of the names, which puts 第三 before 第二), members without a group last."""
    group_names = dict(groups)
    position = {gid: n for n, (gid, _name) in enumerate(groups)}
    rows: list[tuple[int, MemberAttendance]] = []
    for m in members:
        expected, present, leave, absent, unrecorded = tallies.get(m.id, (0, 0, 0, 0, 0))
        if expected == 0 and not roster.on_roll(m, on) and not hours.get(m.id):
            continue
        gid = offices.group_on(m, on)  # the group as of the year's end (or today)
        rows.append((position.get(gid, len(groups)) if gid else len(groups), MemberAttendance(
            member_id=m.id, member=m.name, expected=expected, present=present, leave=leave,
            absent=absent, rate=present / expected if expected else 0.0,
            study_hours=round(hours.get(m.id, 0.0), 2),
            group_name=group_names.get(gid, "") if gid else "", unrecorded=unrecorded,
        )))
    rows.sort(key=lambda pair: (pair[0], pair[1].member_id))
    return [row for _position, row in rows]
