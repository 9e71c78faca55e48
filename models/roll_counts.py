"""应到 for many meetings at once, from the dated roll (SPEC §3), for lists and ledgers.

The meetings list, the annual ledger and the monthly compilation show 应到 for hundreds or
thousands of meetings. Asking :func:`models.quorum.meeting_outcome` per row would read the roll
per row; instead the branch's dated roll tables (党籍状态, 免于参加组织生活, 任职记录, 党小组
history) are read in ONE query, each member's 应到-ness is decided only on the days their own
history changes (with the same roster/offices rules that ``models.quorum`` uses, so the numbers
agree), and one sweep over the meetings in date order turns those changes into counts: 全体,
支委, each 党小组. A page of 200 meetings or ten years of them cost the same one query plus a
sort.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter

from sqlalchemy import (
    Date,
    Integer,
    String,
    cast,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from models import offices, roster
from models.entities import (
    GroupMembership,
    Member,
    MemberExemption,
    MemberStatus,
    OfficeTerm,
)
from models.enums import MeetingType


@dataclass(frozen=True, slots=True)
class _Status:
    state: str
    effective_on: date


@dataclass(frozen=True, slots=True)
class _Span:
    start_on: date | None
    end_on: date | None
    office: str = ""
    group_id: int = 0


@dataclass(slots=True)
class _RollEntry:
    """The attributes the roster rules read from a Member, as plain values."""

    id: int
    statuses: list[_Status] = field(default_factory=list)
    exemptions: list[_Span] = field(default_factory=list)
    office_terms: list[_Span] = field(default_factory=list)
    group_memberships: list[_Span] = field(default_factory=list)


def _roll_query(branch_id: int):  # type: ignore[no-untyped-def]
    """One UNION ALL over the four dated roll tables: (kind, member, text, number, from, to)."""
    in_branch = select(Member.id).where(Member.branch_id == branch_id).scalar_subquery()
    # typed NULLs (CAST): PostgreSQL resolves a UNION's column types branch by branch
    no_text, no_number, no_date = cast(null(), String), cast(null(), Integer), cast(null(), Date)
    return union_all(
        select(literal("e"), MemberExemption.member_id, no_text, no_number, MemberExemption.start_on,
               MemberExemption.end_on).where(MemberExemption.member_id.in_(in_branch)),
        select(literal("s"), MemberStatus.member_id, MemberStatus.state, no_number, MemberStatus.effective_on,
               no_date).where(MemberStatus.member_id.in_(in_branch)),
        select(literal("o"), OfficeTerm.member_id, OfficeTerm.office, no_number, OfficeTerm.start_on,
               OfficeTerm.end_on).where(OfficeTerm.member_id.in_(in_branch)),
        select(literal("g"), GroupMembership.member_id, no_text, GroupMembership.group_id, GroupMembership.start_on,
               GroupMembership.end_on).where(GroupMembership.member_id.in_(in_branch)),
    )


def load_roll(session: Session, branch_id: int) -> list[_RollEntry]:
    members: dict[int, _RollEntry] = {}
    for kind, member_id, text, number, start, end in session.execute(_roll_query(branch_id)):
        entry = members.get(member_id)
        if entry is None:
            entry = members[member_id] = _RollEntry(member_id)
        if kind == "s":
            entry.statuses.append(_Status(text, start))
        elif kind == "e":
            entry.exemptions.append(_Span(start, end))
        elif kind == "o":
            entry.office_terms.append(_Span(start, end, office=text))
        else:
            entry.group_memberships.append(_Span(start, end, group_id=number))
    for entry in members.values():
        entry.statuses.sort(key=lambda s: s.effective_on)  # state_on reads them in date order
    return list(members.values())


_Value = tuple[bool, bool, int | None]  # (应到 at 全体 meetings, on the committee, 党小组)
_NOBODY: _Value = (False, False, None)


def _value(member: _RollEntry, on: date) -> _Value:
    # duck-typed: the roster rules read only the attributes _RollEntry carries
    if not roster.on_roll(member, on) or roster.exempt_on(member, on):  # type: ignore[arg-type]
        return _NOBODY
    return True, offices.on_committee(member, on), offices.group_on(member, on)


def _change_days(member: _RollEntry) -> set[date]:
    days = {s.effective_on for s in member.statuses}
    for e in member.exemptions:
        days.add(e.start_on)  # type: ignore[arg-type]
        if e.end_on is not None and e.end_on < date.max:
            days.add(e.end_on + timedelta(days=1))  # an exemption's last day is still exempt
    for t in (*member.office_terms, *member.group_memberships):
        days.update(d for d in (t.start_on, t.end_on) if d is not None)
    return days


@dataclass(frozen=True, slots=True)
class _Change:
    day: date
    everyone: int
    committee: int
    groups: tuple[tuple[int, int], ...]  # (group id, ±1)


def _changes(members: Iterable[_RollEntry]) -> list[_Change]:
    """Every day on which some member starts or stops being 应到, with the count deltas."""
    changes: list[_Change] = []
    for member in members:
        before = _value(member, date.min)
        for day in sorted(_change_days(member)):
            now = _value(member, day)
            if now == before:
                continue
            groups: list[tuple[int, int]] = []
            if before[2] is not None and before[2] != now[2]:
                groups.append((before[2], -1))
            if now[2] is not None and before[2] != now[2]:
                groups.append((now[2], +1))
            changes.append(_Change(day, int(now[0]) - int(before[0]), int(now[1]) - int(before[1]), tuple(groups)))
            before = now
    changes.sort(key=lambda c: c.day)
    return changes


#: (meeting id, MeetingType code, held_on, group id): what 应到 depends on
MeetingKey = tuple[int, str, date, int | None]
_COMMITTEE, _GROUP = str(MeetingType.COMMITTEE), str(MeetingType.GROUP)


def expected_counts(session: Session, branch_id: int, meetings: Sequence[MeetingKey]) -> dict[int, int]:
    """Meeting id → 应到 from the dated roll as of its date (the number models.quorum gives)."""
    if not meetings:
        return {}
    changes = _changes(load_roll(session, branch_id))
    everyone = committee = 0
    groups: dict[int, int] = defaultdict(int)
    result: dict[int, int] = {}
    i, n = 0, len(changes)
    for mid, kind, held_on, group_id in sorted(meetings, key=itemgetter(2)):
        while i < n and changes[i].day <= held_on:
            c = changes[i]
            everyone += c.everyone
            committee += c.committee
            for gid, delta in c.groups:
                groups[gid] += delta
            i += 1
        if kind == _COMMITTEE:
            result[mid] = committee
        elif kind == _GROUP:
            result[mid] = groups.get(group_id, 0) if group_id is not None else 0
        else:
            result[mid] = everyone
    return result
