"""The checks behind the compliance alerts: quorum and votes of each 党员大会/支委会, the
自行脱党 absence watch, and yearly study hours. Plain Python over preloaded data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from models import roster
from models.compliance_data import MeetingFacts, MonthCounts
from models.entities import Member
from models.enums import AttendanceStatus, MeetingType
from models.notes import YEARLY_STUDY_HOURS
from models.rules import (
    ABSENCE_ALERT_MONTHS,
    ABSENCE_WARNING_MONTHS,
    ABSENT,
    ATTENDED,
    NEUTRAL,
    absence_runs,
    month_range,
    quorum_met,
    vote_passes,
)
from models.validation import format_date


@dataclass(frozen=True)
class Alert:
    """One line of the alerts list (re-exported by models.compliance)."""

    kind: str  # missing | failed_quorum | absence_warning | absence_alert | secretary_lecture | study_hours
    member: str | None
    meeting_id: int | None
    message: str


#: What each Alert.kind is called where alerts are listed by kind (the Excel export).
ALERT_LABELS = {
    "missing": "缺开会议", "failed_quorum": "未达法定人数", "absence_warning": "缺席预警",
    "absence_alert": "连续缺席", "secretary_lecture": "书记讲党课", "study_hours": "学时不足",
}


@dataclass(frozen=True)
class VoteCheck:
    title: str
    votes_for: int
    passes: bool


@dataclass(frozen=True)
class MeetingCheck:
    """Quorum and vote outcome of one 党员大会 or 支委会."""

    meeting_id: int
    meeting_type: MeetingType
    held_on: date
    entitled: int  # 应到会有表决权的党员 (支委会: committee members expected)
    present: int  # of those entitled
    election: bool
    quorum_met: bool | None
    votes: list[VoteCheck] = field(default_factory=list)

    @property
    def quorum_message(self) -> str:
        who = "有表决权的党员" if self.meeting_type == MeetingType.GENERAL_ASSEMBLY else "支委"
        need = "超过五分之四" if self.election else "超过半数"
        return (f"{format_date(self.held_on)}的{self.meeting_type.label}应到{who} {self.entitled} 人，"
                f"实到 {self.present} 人，未{need}，不符合法定人数，所作决定无效，请重新召开。")


def meeting_checks(
    meetings: Sequence[MeetingFacts],
    attendance: Mapping[int, list[tuple[int, str]]],
    votes: Mapping[int, list[tuple[str, int]]],
    members: Mapping[int, Member],
) -> list[MeetingCheck]:
    """SPEC §3: 党员大会 counts only 正式党员 not under 留党察看; 支委会 counts its members."""
    result = []
    for meeting in meetings:
        rows = attendance.get(meeting.id, [])
        if meeting.meeting_type == MeetingType.GENERAL_ASSEMBLY:
            rows = [r for r in rows if r[0] in members and roster.can_vote_on(members[r[0]], meeting.held_on)]
        entitled = len(rows)
        present = sum(1 for _mid, status in rows if status == str(AttendanceStatus.PRESENT))
        result.append(MeetingCheck(
            meeting_id=meeting.id, meeting_type=meeting.meeting_type, held_on=meeting.held_on,
            entitled=entitled, present=present, election=meeting.is_election,
            quorum_met=quorum_met(entitled, present, election=meeting.is_election),
            votes=[VoteCheck(title, n, vote_passes(n, entitled)) for title, n in votes.get(meeting.id, [])],
        ))
    return result


# --- 自行脱党 watch ---------------------------------------------------------------------------


def _exempt_in_month(member: Member, ym: tuple[int, int]) -> bool:
    first = date(ym[0], ym[1], 1)
    last = date(ym[0] + (ym[1] == 12), ym[1] % 12 + 1, 1)
    return any(e.start_on < last and (e.end_on is None or e.end_on >= first) for e in member.exemptions)


def month_verdicts(
    member: Member, months: Mapping[tuple[int, int], tuple[int, int, int]], window: list[tuple[int, int]],
) -> list[tuple[tuple[int, int], str]]:
    """ATTENDED / ABSENT / NEUTRAL per month of ``window`` (see models.rules.absence_runs).
    An exemption at any time in a month justifies the month (an absence recorded before the
    exemption was entered is not held against the member)."""
    verdicts = []
    for ym in window:
        total, present, leave = months.get(ym, (0, 0, 0))
        if present or leave or (member.exemptions and _exempt_in_month(member, ym)):
            verdicts.append((ym, ATTENDED))
        elif total:
            verdicts.append((ym, ABSENT))
        else:
            verdicts.append((ym, NEUTRAL))
    return verdicts


def needs_lookback(member: Member, months: Mapping[tuple[int, int], tuple[int, int, int]], year: int) -> bool:
    """Whether a run of absence may have started before ``year``: the member's first month of
    the year with any expected meeting was an unexcused absence."""
    for month in range(1, 13):
        counts = months.get((year, month))
        if counts is None:
            continue
        total, present, leave = counts
        return not (present or leave) and total > 0 and not (
            member.exemptions and _exempt_in_month(member, (year, month)))
    return False


def absence_alerts(members: Sequence[Member], per_month: MonthCounts, year: int, as_of: date) -> list[Alert]:
    window = month_range((year - 1, 1), (as_of.year, as_of.month))
    found: list[tuple[int, Alert]] = []
    for member in members:
        months = per_month.get(member.id)
        if not months or sum(1 for t, p, lv in months.values() if t > p + lv) < ABSENCE_WARNING_MONTHS:
            continue  # too few months with an unexcused absence to make a run worth warning about
        if not roster.on_roll(member, as_of):
            continue
        runs = [r for r in absence_runs(month_verdicts(member, months, window)) if r.last[0] == year]
        if not runs:
            continue
        run = max(runs, key=lambda r: r.months)
        since = f"{run.first[0]}年{run.first[1]}月"
        span = f"自{since}起" + ("至今" if run.ongoing else f"至{run.last[0]}年{run.last[1]}月")
        if run.months >= ABSENCE_ALERT_MONTHS:
            found.append((0, Alert("absence_alert", member.name, None,
                                   f"{member.name}{span}已连续 {run.months} 个月无正当理由未参加党的组织生活，"
                                   "达到 6 个月，按党章规定可视为自行脱党，请支部委员会尽快研究处理。")))
        elif run.months >= ABSENCE_WARNING_MONTHS:
            found.append((1, Alert("absence_warning", member.name, None,
                                   f"{member.name}{span}已连续 {run.months} 个月无正当理由未参加党的组织生活，"
                                   "请及时谈心谈话、了解情况。")))
    return [a for _order, a in sorted(found, key=lambda pair: pair[0])]


# --- 学时 -----------------------------------------------------------------------------------


def study_hour_alerts(members: Sequence[Member], hours: Mapping[int, float], year: int, today: date) -> list[Alert]:
    """Members on the roll the whole year and not exempt with fewer than 32 学时."""
    if year > today.year or (year == today.year and today.month < 11):
        return []
    end = min(date(year, 12, 31), today)
    alerts = []
    for m in members:
        if not (roster.on_roll(m, date(year, 1, 1)) and roster.on_roll(m, end)) or roster.exempt_on(m, end):
            continue
        got = hours.get(m.id, 0.0)
        if got < YEARLY_STUDY_HOURS:
            lack = YEARLY_STUDY_HOURS - got
            when = "" if year < today.year else "，请在年底前补足"
            alerts.append(Alert("study_hours", m.name, None,
                                f"{m.name}{year}年学习 {got:g} 学时，未达到每年 {YEARLY_STUDY_HOURS:g} 学时的要求"
                                f"（尚差 {lack:g} 学时）{when}。"))
    return alerts

