"""The roll as of a date, on plain values: who is on the roll, exempt, on the committee or in a
党小组 on a day, and the sweep that turns members' dated histories into 应到 per meeting.

No SQLAlchemy here: the services (models.roster, models.offices, models.roll_counts) read the
records through the ORM or Core, the window's first paint (models.quick_read) with plain
sqlite3, and both hand the same plain values to these rules, so both give the same numbers.
Members are duck-typed: anything with ``statuses`` (ordered by effective_on), ``exemptions``,
``office_terms`` and ``group_memberships`` carrying the columns' names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import itemgetter
from typing import Any, Protocol

from models.enums import ON_ROLL_STATES, BranchRole, MeetingType, MembershipState


class _Dated(Protocol):
    start_on: date | None
    end_on: date | None


def _state_code(member: Any, on: date) -> str | None:
    """The stored code of the 党籍状态 in force on ``on`` (a StrEnum member or its text)."""
    current: str | None = None
    for entry in member.statuses:  # ordered by effective_on
        if entry.effective_on <= on:
            current = entry.state
        else:
            break
    return current


def state_on(member: Any, on: date) -> MembershipState | None:
    """The 党籍状态 in force on ``on``; None before the member's first status entry."""
    code = _state_code(member, on)
    return None if code is None else MembershipState(code)


def on_roll(member: Any, on: date) -> bool:
    # the codes compare and hash as the StrEnum members do: no conversion per question
    return _state_code(member, on) in ON_ROLL_STATES


_ACTIVE, _NO_OFFICE = MembershipState.ACTIVE, BranchRole.NONE


def active_on(member: Any, on: date) -> bool:
    """正常 (not 留党察看, not off the roll) on ``on``."""
    return _state_code(member, on) == _ACTIVE


def exempt_on(member: Any, on: date) -> bool:
    return any(e.start_on <= on and (e.end_on is None or on <= e.end_on) for e in member.exemptions)


def in_force(term: _Dated, on: date) -> bool:
    return (term.start_on is None or term.start_on <= on) and (term.end_on is None or on < term.end_on)


def on_committee(member: Any, on: date) -> bool:
    """支委: holds any committee seat on ``on``."""
    return any(t.office != _NO_OFFICE and in_force(t, on) for t in member.office_terms)


def group_on(member: Any, on: date) -> int | None:
    """The 党小组 the member belonged to on ``on`` (None: no group)."""
    for m in member.group_memberships:
        if in_force(m, on):
            return int(m.group_id)
    return None


# --- 应到 for many meetings at once -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Status:
    state: str
    effective_on: date


@dataclass(frozen=True, slots=True)
class Span:
    start_on: date | None
    end_on: date | None
    office: str = ""
    group_id: int = 0


@dataclass(slots=True)
class RollEntry:
    """The attributes the roll rules read from a Member, as plain values."""

    id: int
    statuses: list[Status] = field(default_factory=list)
    exemptions: list[Span] = field(default_factory=list)
    office_terms: list[Span] = field(default_factory=list)
    group_memberships: list[Span] = field(default_factory=list)


def roll_entries(rows: Iterable[tuple[str, int, str | None, int | None, date | None, date | None]]
                 ) -> list[RollEntry]:
    """Members from rows (kind, member id, text, number, from, to); kind is s (status), e
    (exemption), o (office term) or g (group membership)."""
    members: dict[int, RollEntry] = {}
    for kind, member_id, text, number, start, end in rows:
        entry = members.get(member_id)
        if entry is None:
            entry = members[member_id] = RollEntry(member_id)
        if kind == "s":
            entry.statuses.append(Status(str(text), start))  # type: ignore[arg-type]
        elif kind == "e":
            entry.exemptions.append(Span(start, end))
        elif kind == "o":
            entry.office_terms.append(Span(start, end, office=str(text)))
        else:
            entry.group_memberships.append(Span(start, end, group_id=int(number or 0)))
    for entry in members.values():
        entry.statuses.sort(key=lambda s: s.effective_on)  # state_on reads them in date order
    return list(members.values())


_Value = tuple[bool, bool, int | None]  # (应到 at 全体 meetings, on the committee, 党小组)
_NOBODY: _Value = (False, False, None)


def _value(member: RollEntry, on: date) -> _Value:
    if not on_roll(member, on) or exempt_on(member, on):
        return _NOBODY
    return True, on_committee(member, on), group_on(member, on)


def _change_days(member: RollEntry) -> set[date]:
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


def _changes(members: Iterable[RollEntry]) -> list[_Change]:
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


def expected_counts(roll: Iterable[RollEntry], meetings: Sequence[MeetingKey]) -> dict[int, int]:
    """Meeting id → 应到 from the dated roll as of its date (the number models.quorum gives)."""
    if not meetings:
        return {}
    changes = _changes(roll)
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
