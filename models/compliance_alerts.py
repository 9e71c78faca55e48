"""The checks behind the compliance alerts: quorum and votes of each 党员大会/支委会, the
自行脱党 absence watch, and yearly study hours. Plain Python over preloaded data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from models import roster
from models.compliance_data import MeetingFacts, MonthCounts
from models.entities import Member
from models.enums import MeetingType
from models.notes import YEARLY_STUDY_HOURS
from models.quorum import MeetingOutcome
from models.rules import (
    ABSENCE_ALERT_MONTHS,
    ABSENCE_WARNING_MONTHS,
    ABSENT,
    ATTENDED,
    NEUTRAL,
    absence_runs,
    month_range,
)
from models.validation import format_date


@dataclass(frozen=True)
class Alert:
    """One line of the alerts list (re-exported by models.compliance)."""

    # missing | failed_quorum | incomplete_attendance | nobody_expected | absence_warning |
    # absence_alert | secretary_lecture | study_hours
    kind: str
    member: str | None
    meeting_id: int | None
    message: str


#: What each Alert.kind is called where alerts are listed by kind (the Excel export).
ALERT_LABELS = {
    "missing": "缺开会议", "failed_quorum": "未达法定人数", "absence_warning": "缺席预警",
    "absence_alert": "连续缺席", "secretary_lecture": "书记讲党课", "study_hours": "学时不足",
    "incomplete_attendance": "出席情况不完整", "nobody_expected": "无应到人员",
}


@dataclass(frozen=True)
class VoteCheck:
    title: str
    votes_for: int
    passes: bool
    valid: bool = True  # False: the meeting lacked its quorum, the vote does not count (表决无效)
    verdict: str = ""


@dataclass(frozen=True)
class MeetingCheck:
    """Quorum and vote outcome of one 党员大会 or 支委会, from the roll as of its date."""

    meeting_id: int
    meeting_type: MeetingType
    held_on: date
    entitled: int  # 应到会有表决权的党员 (支委会: committee members expected)
    present: int  # of those entitled
    election: bool
    quorum_met: bool | None
    votes: list[VoteCheck] = field(default_factory=list)
    expected: int = 0  # 应到 (everyone expected, with or without a vote)
    missing: list[str] = field(default_factory=list)  # 应到 without an attendance row

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def quorum_message(self) -> str:
        who = "有表决权的党员" if self.meeting_type == MeetingType.GENERAL_ASSEMBLY else "支委"
        head = f"{format_date(self.held_on)}的{self.meeting_type.label}应到{who} {self.entitled} 人，实到 {self.present} 人，"
        if self.missing:
            votes = f"{len(self.votes)} 项表决无效" if self.votes else "所作决定无效"
            return head + (f"另有 {len(self.missing)} 人（{'、'.join(self.missing[:10])}）未登记出席情况，"
                           f"不能认定达到法定人数，{votes}。请补登出席情况或重新召开。")
        need = "超过五分之四" if self.election else "超过半数"
        votes = f"本次会议的 {len(self.votes)} 项表决未达到法定人数，表决无效；" if self.votes else "所作决定无效，"
        return head + f"未{need}，不符合法定人数，{votes}请重新召开。"


def meeting_checks(
    meetings: Sequence[MeetingFacts], outcomes: Mapping[int, MeetingOutcome], names: Mapping[int, str],
) -> list[MeetingCheck]:
    """The 党员大会 and 支委会 among ``meetings`` with their quorum and votes (SPEC §3)."""
    result = []
    for meeting in meetings:
        out = outcomes.get(meeting.id)
        if out is None or not out.has_quorum_rule:
            continue
        result.append(MeetingCheck(
            meeting_id=meeting.id, meeting_type=meeting.meeting_type, held_on=meeting.held_on,
            entitled=out.entitled, present=out.entitled_present, election=meeting.is_election,
            quorum_met=out.quorum_met,
            votes=[VoteCheck(v.title, v.votes_for, v.passed, v.valid, v.verdict) for v in out.votes],
            expected=out.expected_count, missing=[names.get(i, str(i)) for i in out.missing],
        ))
    return result


def attendance_alerts(
    meetings: Sequence[MeetingFacts], outcomes: Mapping[int, MeetingOutcome], names: Mapping[int, str],
) -> list[Alert]:
    """Meetings whose attendance list does not cover everyone 应到 (incomplete_attendance), and
    meetings that need people but had nobody 应到 that day (nobody_expected)."""
    alerts = []
    for meeting in meetings:
        out = outcomes.get(meeting.id)
        if out is None or not out.needs_people:
            continue
        when = f"{format_date(meeting.held_on)}的{meeting.meeting_type.label}"
        if not out.expected:
            alerts.append(Alert("nobody_expected", None, meeting.id,
                                f"{when}当日没有应到人员（应到 0 人），不计入已召开的会议，请核对会议日期、类型或党员名册。"))
        elif out.missing:
            who = "、".join(names.get(i, str(i)) for i in out.missing[:10])
            more = f"等 {len(out.missing)} 人" if len(out.missing) > 10 else ""
            alerts.append(Alert("incomplete_attendance", None, meeting.id,
                                f"{when}出席情况不完整：应到 {out.expected_count} 人，只登记了 {out.recorded} 人，"
                                f"缺少{who}{more}的出席情况，请补登。"))
    return alerts


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


def _unrecorded_note(count: int) -> str:
    """未记 is no evidence of absence: say how many meetings of the run's months lack the
    member's row, since any of them may have been attended (and would end the run)."""
    if not count:
        return ""
    return (f"（其间另有 {count} 次应到会议未登记其出席情况，未计为缺席；如实际参加则不构成连续缺席，"
            "请先补登出席情况再核实）")


#: (member, first month, last month) → meetings 应到 without a row in those months (未记)
UnrecordedCount = Callable[[Member, tuple[int, int], tuple[int, int]], int]


def absence_alerts(
    members: Sequence[Member], per_month: MonthCounts, year: int, as_of: date,
    unrecorded: UnrecordedCount | None = None,
) -> list[Alert]:
    """自行脱党 watch: runs of months with a recorded 缺席 and no 出席/请假/exemption. A meeting the
    member was 应到 at without a row (未记) is neither absent nor attended — a month with only
    such meetings is neutral — and an alert whose run has such meetings says how many
    (``unrecorded`` counts them, asked only for the members alerted)."""
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
        gaps = _unrecorded_note(unrecorded(member, run.first, run.last) if unrecorded else 0)
        if run.months >= ABSENCE_ALERT_MONTHS:
            found.append((0, Alert("absence_alert", member.name, None,
                                   f"{member.name}{span}已连续 {run.months} 个月无正当理由未参加党的组织生活{gaps}，"
                                   "达到 6 个月，按党章规定可视为自行脱党，请支部委员会尽快研究处理。")))
        elif run.months >= ABSENCE_WARNING_MONTHS:
            found.append((1, Alert("absence_warning", member.name, None,
                                   f"{member.name}{span}已连续 {run.months} 个月无正当理由未参加党的组织生活{gaps}，"
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

