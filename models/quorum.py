"""应到、应到会有表决权、法定人数与表决结果 of a meeting, decided from the dated roll as of the
meeting date (SPEC §3) — never from the attendance list. The meeting editor, the compliance view,
``stats``, ``check`` and every printed document ask :func:`meeting_outcome` (or its two
front doors :func:`outcome_for` and :class:`RollIndex`), so they always agree.

Decisions (the rules leave them open):
- An attendance list that lacks a row for somebody 应到 is incomplete: the meeting is reported and
  never counts as quorate (nobody can tell whether the missing person came).
- A meeting that needs people (every type but 其他) with 应到 0, or with no attendance recorded at
  all, does not count as held.
- A vote at a 党员大会 or 支委会 that lacks its quorum is recorded as it happened but never 通过.
  通过: 赞成 strictly more than half of 应到会有表决权的党员 (党员大会), of the committee members
  (支委会), elsewhere of the voting members present. 赞成+反对+弃权 may not exceed the voting
  members present (预备党员 and members under 留党察看 have no ballot).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from models import offices, roster
from models.enums import AttendanceStatus, MeetingType
from models.rules import quorum_met

#: Meetings with a quorum rule.
QUORUM_TYPES = frozenset({MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE})
# Enum members read from the class cost an attribute lookup each time; the year's statistics ask
# these questions thousands of times, so the hot paths compare with module constants.
_ASSEMBLY, _COMMITTEE, _GROUP, _OTHER = (MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE, MeetingType.GROUP,
                                         MeetingType.OTHER)
PRESENT = str(AttendanceStatus.PRESENT)


@dataclass(frozen=True)
class VoteInput:
    title: str
    votes_for: int
    votes_against: int = 0
    votes_abstain: int = 0


@dataclass(frozen=True)
class VoteOutcome:
    title: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    basis: int  # 赞成 must be more than half of this
    basis_label: str
    valid: bool  # False: the meeting lacked its quorum (or its attendance is incomplete)
    over: bool  # more ballots than voting members present
    passed: bool

    @property
    def ballots(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def verdict(self) -> str:
        if not self.valid:
            return "未达到法定人数，表决无效"
        if self.over:
            return "票数超过实到有表决权人数，表决无效"
        return "通过" if self.passed else "未通过"


@dataclass(frozen=True)
class MeetingOutcome:
    """What the rules say about one meeting on its date."""

    meeting_type: MeetingType
    held_on: date
    election: bool
    expected: tuple[int, ...]  # 应到 (member ids)
    voting_expected: tuple[int, ...]  # 应到会有表决权的党员
    present: tuple[int, ...]  # 应到 and 出席
    voting_present: tuple[int, ...]
    missing: tuple[int, ...]  # 应到 without any attendance row
    recorded: int  # attendance rows of people 应到
    quorum_met: bool | None  # None: no quorum rule for this type, or nobody entitled
    votes: tuple[VoteOutcome, ...] = ()

    @property
    def expected_count(self) -> int:
        return len(self.expected)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def has_quorum_rule(self) -> bool:
        return self.meeting_type in QUORUM_TYPES

    @property
    def entitled(self) -> int:
        """Those the quorum is counted against: 应到会有表决权的党员 (党员大会), 应到支委 (支委会)."""
        if self.meeting_type == MeetingType.GENERAL_ASSEMBLY:
            return len(self.voting_expected)
        return len(self.expected)

    @property
    def entitled_present(self) -> int:
        if self.meeting_type == MeetingType.GENERAL_ASSEMBLY:
            return len(self.voting_present)
        return len(self.present)

    @property
    def needs_people(self) -> bool:
        return self.meeting_type != _OTHER

    @property
    def counts_as_held(self) -> bool:
        """Counts toward what is due: somebody was 应到 and attendance was recorded."""
        if not self.needs_people:
            return True
        return bool(self.expected) and self.recorded > 0

    @property
    def valid(self) -> bool:
        """Counts as held and, where a quorum applies, met it."""
        return self.counts_as_held and (not self.has_quorum_rule or self.quorum_met is True)

    @property
    def quorum_text(self) -> str:
        """应到会有表决权的党员 16 人，实到 9 人，超过半数，符合规定 (or why not)."""
        who = "应到会有表决权的党员" if self.meeting_type == MeetingType.GENERAL_ASSEMBLY else "应到支委"
        share = "五分之四" if self.election else "半数"
        head = f"{who} {self.entitled} 人，实到 {self.entitled_present} 人，"
        if self.missing:
            return head + f"另有 {len(self.missing)} 人未登记出席情况，不能认定达到法定人数"
        if self.quorum_met:
            return head + f"超过{share}，符合规定"
        return head + f"未超过{share}，未达到法定人数"


def meeting_outcome(
    meeting_type: MeetingType, held_on: date, *, expected: Collection[int], voting: Collection[int],
    attendance: Mapping[int, str], votes: Sequence[VoteInput] = (), election: bool = False,
) -> MeetingOutcome:
    """The one rule: ``expected`` are the 应到 member ids on ``held_on``, ``voting`` those of them
    with a vote, ``attendance`` the recorded member id → status."""
    meeting_type = MeetingType(meeting_type)
    exp = tuple(sorted(expected))
    expected_set = frozenset(exp)
    vot = tuple(sorted(m for m in voting if m in expected_set))
    present = tuple(m for m in exp if attendance.get(m) == PRESENT)
    voting_present = tuple(m for m in vot if attendance.get(m) == PRESENT)
    missing = tuple(m for m in exp if m not in attendance)
    recorded = len(exp) - len(missing)
    quorum: bool | None = None
    if meeting_type in QUORUM_TYPES:
        entitled = len(vot) if meeting_type == _ASSEMBLY else len(exp)
        got = len(voting_present) if meeting_type == _ASSEMBLY else len(present)
        quorum = quorum_met(entitled, got, election=election)
        if missing and quorum is not None:
            quorum = False  # an incomplete list never proves a quorum
    if meeting_type == _ASSEMBLY:
        basis, label = len(vot), "应到会有表决权的党员"
    elif meeting_type == _COMMITTEE:
        basis, label = len(exp), "应到支委"
    else:
        basis, label = len(voting_present), "实到有表决权的党员"
    valid = quorum is True if meeting_type in QUORUM_TYPES else True
    outcomes = []
    for v in votes:
        ballots = v.votes_for + v.votes_against + v.votes_abstain
        over = ballots > len(voting_present)
        passed = valid and not over and basis > 0 and v.votes_for * 2 > basis
        outcomes.append(VoteOutcome(v.title, v.votes_for, v.votes_against, v.votes_abstain, basis, label,
                                    valid, over, passed))
    return MeetingOutcome(meeting_type, held_on, election, exp, vot, present, voting_present, missing,
                          recorded, quorum, tuple(outcomes))


def expected_and_voting(
    members: Iterable[Any], meeting_type: MeetingType, on: date, group_id: int | None,
) -> tuple[list[int], list[int]]:
    """(应到, 应到会有表决权) member ids from the roll as of ``on``."""
    expected = [m for m in members if roster.is_expected(m, meeting_type, on, group_id)]
    return [m.id for m in expected], [m.id for m in expected if roster.can_vote_on(m, on)]


def outcome_for(
    members: Iterable[Any], meeting_type: MeetingType, held_on: date, group_id: int | None,
    attendance: Mapping[int, str], votes: Sequence[VoteInput] = (), election: bool = False,
) -> MeetingOutcome:
    """:func:`meeting_outcome` for a meeting, with 应到 worked out from ``members`` (with their
    status, exemption, office and group histories loaded)."""
    expected, voting = expected_and_voting(members, meeting_type, held_on, group_id)
    return meeting_outcome(meeting_type, held_on, expected=expected, voting=voting, attendance=attendance,
                           votes=votes, election=election)


# --- many meetings: the roll read once per year ----------------------------------------------------


@dataclass(frozen=True)
class DayRoll:
    """Who is 应到 on one day, by kind of meeting."""

    everyone: frozenset[int]  # 在册 and not exempt
    voting: frozenset[int]
    committee: frozenset[int]
    groups: Mapping[int, frozenset[int]]

    def expected(self, meeting_type: MeetingType, group_id: int | None) -> frozenset[int]:
        if meeting_type == _COMMITTEE:
            return self.committee
        if meeting_type == _GROUP:
            return self.groups.get(group_id, frozenset()) if group_id is not None else frozenset()
        return self.everyone


def _change_days(member: Any, first: date, last: date) -> set[date]:
    """The days inside (first, last] on which something 应到 depends on changes for ``member``."""
    days = {s.effective_on for s in member.statuses}
    if member.full_member_on is not None:
        days.add(member.full_member_on)
    extended_until = getattr(member, "probation_extended_until", None)  # 延长预备期: no vote before it
    if extended_until is not None:
        days.add(extended_until)
    for e in member.exemptions:
        days.add(e.start_on)
        if e.end_on is not None and e.end_on < date.max:
            days.add(e.end_on + timedelta(days=1))  # an exemption's end day is still exempt
    for t in (*offices.office_terms_of(member), *offices.group_terms_of(member)):
        days.update(d for d in (t.start_on, t.end_on) if d is not None)
    return {d for d in days if first < d <= last}


class RollIndex:
    """应到 sets for any day of ``[first, last]``. Members whose histories do not change inside
    the window are decided once; the day is split at every change of the others, and each stretch
    between two changes is decided once (a year of meetings asks a few dozen questions, not one
    per meeting and member)."""

    def __init__(self, members: Sequence[Any], first: date, last: date) -> None:
        self.first, self.last = first, last
        self.all = list(members)
        breaks: set[date] = set()
        self.changing = []
        steady = []
        for m in self.all:
            days = _change_days(m, first, last)
            if days:
                self.changing.append(m)
                breaks |= days
            else:
                steady.append(m)
        self.breaks = sorted(breaks)
        self.base = self._build(steady, first)
        self.stretches: dict[int, DayRoll] = {}
        self.by_day: dict[date, DayRoll] = {}

    @staticmethod
    def _sets(members: Iterable[Any], on: date) -> tuple[set[int], set[int], set[int], dict[int, set[int]]]:
        everyone: set[int] = set()
        voting: set[int] = set()
        committee: set[int] = set()
        groups: dict[int, set[int]] = {}
        for m in members:
            if not roster.on_roll(m, on) or roster.exempt_on(m, on):
                continue
            everyone.add(m.id)
            if roster.can_vote_on(m, on):
                voting.add(m.id)
            if offices.on_committee(m, on):
                committee.add(m.id)
            gid = offices.group_on(m, on)
            if gid is not None:
                groups.setdefault(gid, set()).add(m.id)
        return everyone, voting, committee, groups

    def _build(self, members: Iterable[Any], on: date) -> DayRoll:
        everyone, voting, committee, groups = self._sets(members, on)
        return DayRoll(frozenset(everyone), frozenset(voting), frozenset(committee),
                       {g: frozenset(ids) for g, ids in groups.items()})

    def on(self, day: date) -> DayRoll:
        known = self.by_day.get(day)
        if known is not None:
            return known
        if not self.first <= day <= self.last:
            return self._build(self.all, day)
        stretch = bisect_right(self.breaks, day)
        found = self.stretches.get(stretch)
        if found is None:
            if not self.changing:
                found = self.base
            else:
                everyone, voting, committee, groups = self._sets(self.changing, day)
                merged = {g: self.base.groups.get(g, frozenset()) | ids for g, ids in groups.items()}
                found = DayRoll(self.base.everyone | everyone, self.base.voting | voting,
                                self.base.committee | committee, {**self.base.groups, **merged})
            self.stretches[stretch] = found
        self.by_day[day] = found
        return found

    def outcome(
        self, meeting_type: MeetingType, held_on: date, group_id: int | None, attendance: Mapping[int, str],
        votes: Sequence[VoteInput] = (), election: bool = False,
    ) -> MeetingOutcome:
        day = self.on(held_on)
        expected = day.expected(meeting_type, group_id)
        return meeting_outcome(meeting_type, held_on, expected=expected, voting=expected & day.voting,
                               attendance=attendance, votes=votes, election=election)
