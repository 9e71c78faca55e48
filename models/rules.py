"""The rules BranchBook knows (SPEC §3): how often each kind of meeting is due, quorum and
vote thresholds, and the 自行脱党 absence watch. Pure functions, no database access except
for the per-branch frequency settings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models import settings_store
from models.enums import MeetingType
from models.errors import ValidationError

SETTINGS_KEY = "rules.frequencies"
#: Key inside the frequency settings for 书记讲党课 (the secretary's own lecture).
SECRETARY_LECTURE = "secretary_lecture"

PERIOD_KINDS = ("month", "quarter", "half", "year")
PERIOD_LABELS = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}

#: 自行脱党 watch: warn after this many consecutive months of unjustified absence, alert after the second.
ABSENCE_WARNING_MONTHS = 4
ABSENCE_ALERT_MONTHS = 6


@dataclass(frozen=True)
class Frequency:
    """At least ``count`` meetings in every period of kind ``period``; count 0 = not required."""

    period: str
    count: int


DEFAULT_FREQUENCIES: dict[str, Frequency] = {
    str(MeetingType.GENERAL_ASSEMBLY): Frequency("quarter", 1),
    str(MeetingType.COMMITTEE): Frequency("month", 1),
    str(MeetingType.GROUP): Frequency("month", 1),
    str(MeetingType.PARTY_LECTURE): Frequency("quarter", 1),
    str(MeetingType.THEME_DAY): Frequency("month", 1),
    str(MeetingType.LIFE_MEETING): Frequency("year", 1),
    str(MeetingType.APPRAISAL): Frequency("year", 1),
    SECRETARY_LECTURE: Frequency("year", 1),
}

#: The order of rows in the calendar grid and in every listing.
RULE_ORDER = tuple(DEFAULT_FREQUENCIES)


@dataclass(frozen=True)
class RuleSettings:
    """The branch's meeting frequencies (defaults from SPEC §3, overridable in settings)."""

    frequencies: dict[str, Frequency] = field(default_factory=lambda: dict(DEFAULT_FREQUENCIES))

    def frequency(self, key: str) -> Frequency:
        return self.frequencies.get(key, DEFAULT_FREQUENCIES[key])


def rule_label(key: str) -> str:
    return "书记讲党课" if key == SECRETARY_LECTURE else MeetingType(key).label


def _parse(raw: Any) -> dict[str, Frequency]:
    result = dict(DEFAULT_FREQUENCIES)
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key in DEFAULT_FREQUENCIES and isinstance(value, dict):
                period, count = value.get("period"), value.get("count")
                if period in PERIOD_KINDS and isinstance(count, int) and 0 <= count <= 31:
                    result[key] = Frequency(period, count)
    return result


def get_rule_settings(session: Session, branch_id: int) -> RuleSettings:
    return RuleSettings(_parse(settings_store.get_setting(session, branch_id, SETTINGS_KEY)))


def set_rule_settings(session: Session, branch_id: int, settings: RuleSettings) -> None:
    """Store the branch's frequencies; a bad value raises ValidationError and stores nothing."""
    stored: dict[str, dict[str, Any]] = {}
    for key, freq in settings.frequencies.items():
        if key not in DEFAULT_FREQUENCIES:
            raise ValidationError(f"未知的会议类型“{key}”，无法保存。", field="frequencies")
        label = rule_label(key)
        if freq.period not in PERIOD_KINDS:
            raise ValidationError(f"{label}的周期应为每月、每季度、每半年或每年，请重新选择。", field=key)
        if not isinstance(freq.count, int) or not 0 <= freq.count <= 31:
            raise ValidationError(f"{label}的次数应为 0 到 31 之间的整数，请修改。", field=key)
        stored[key] = {"period": freq.period, "count": freq.count}
    settings_store.set_setting(session, branch_id, SETTINGS_KEY, stored)


# --- periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    code: str  # "2026-03" | "2026-Q1" | "2026-H1" | "2026"
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def months(self) -> range:
        """Month numbers (1-12) the period spans, for the calendar grid."""
        return range(self.start.month, self.end.month + 1)


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def periods_of(year: int, kind: str) -> list[Period]:
    if kind == "month":
        return [Period(f"{year}-{m:02d}", date(year, m, 1), _month_end(year, m)) for m in range(1, 13)]
    if kind == "quarter":
        return [Period(f"{year}-Q{q}", date(year, 3 * q - 2, 1), _month_end(year, 3 * q)) for q in range(1, 5)]
    if kind == "half":
        return [Period(f"{year}-H{h}", date(year, 6 * h - 5, 1), _month_end(year, 6 * h)) for h in (1, 2)]
    return [Period(str(year), date(year, 1, 1), date(year, 12, 31))]


# --- quorum and votes -----------------------------------------------------------------------


def quorum_met(expected: int, present: int, *, election: bool = False) -> bool | None:
    """到会人数 is enough: strictly more than half of those entitled (选举: more than 4/5).

    For a 党员大会 pass 应到会有表决权的党员 and those of them present; for a 支委会 the
    committee members. None when nobody is entitled (nothing to check)."""
    if expected <= 0:
        return None
    if election:
        return present * 5 > expected * 4
    return present * 2 > expected


def vote_passes(
    votes_for: int, voting_expected: int, voting_present: int | None = None, *, election: bool = False
) -> bool:
    """赞成 strictly more than half of 应到会有表决权的党员 (not of those present), at a meeting
    that has its quorum: with ``voting_present`` (有表决权的党员 present) the quorum is checked
    and 赞成 may not exceed it. Without it the quorum follows from 赞成 itself (every 赞成 is a
    voting member present), except for an election's four fifths, which needs the count."""
    if voting_expected <= 0 or votes_for * 2 <= voting_expected:
        return False
    if voting_present is None:
        return not election or bool(quorum_met(voting_expected, votes_for, election=True))
    return votes_for <= voting_present and bool(quorum_met(voting_expected, voting_present, election=election))


# --- 自行脱党 watch -----------------------------------------------------------------------------

#: What a month means for the absence watch.
ATTENDED, ABSENT, NEUTRAL = "attended", "absent", "neutral"


@dataclass(frozen=True)
class AbsenceRun:
    """Consecutive months of unjustified absence: first and last month (year, month) and length."""

    first: tuple[int, int]
    last: tuple[int, int]
    months: int
    ongoing: bool  # still running at the end of the window


def absence_runs(months: Iterable[tuple[tuple[int, int], str]]) -> list[AbsenceRun]:
    """Runs of consecutive ABSENT months in chronologically ordered (month, verdict) pairs.

    ATTENDED (present, 请假 or exempt at some time in the month) ends a run. NEUTRAL months —
    the member had no expected meeting at all — neither end nor extend a run: the rule is
    about six months *of organisational life missed*, and a month without any meeting
    for the member is no evidence either way."""
    runs: list[AbsenceRun] = []
    start: tuple[int, int] | None = None
    last: tuple[int, int] | None = None
    count = 0
    for month, verdict in months:
        if verdict == ABSENT:
            if start is None:
                start = month
            last, count = month, count + 1
        elif verdict == ATTENDED and start is not None and last is not None:
            runs.append(AbsenceRun(start, last, count, ongoing=False))
            start, last, count = None, None, 0
    if start is not None and last is not None:
        runs.append(AbsenceRun(start, last, count, ongoing=True))
    return runs


def month_range(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from ``first`` to ``last`` inclusive."""
    result = []
    y, m = first
    while (y, m) <= last:
        result.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return result
