"""合规检查与统计: what was due in a year, what was held, what is missing or failed its
quorum, who is drifting away (自行脱党 watch), attendance rates and study hours (SPEC §3, §4.4).

Everything is loaded with a handful of set-based queries and computed in Python, so the
year's statistics on ten years of records (100 members) take about 12 ms.

Decisions (documented because the rules leave them open):
- "held" = meetings not in status 计划 dated inside the period and not after ``today``.
- Only meetings that met their quorum count toward ``required`` (``held`` counts them all). A
  past period short of valid meetings is "failed_quorum" when some meeting held there failed
  its quorum, else "missing". The current period is "upcoming"
  until it is done (or "failed_quorum" when its only meetings so far failed); future periods are
  "upcoming". Obligations start only once somebody is expected (a group with no member on the
  roll in a period, or a branch without committee members, has nothing due).
- Absence watch: the months of the year up to ``today``, and the previous year for a member
  whose first month of the year was an absence (a run may have begun before January). Present
  or 请假 in a month, or an exemption at any time in it, ends a run; a month with no meeting
  expected of the member neither ends nor extends it (see :func:`models.rules.absence_runs`).
  A run is reported (warning at 4, alert at 6 months) when it reaches into the year, for members
  still on the roll. A meeting the member was 应到 at but whose list has no row for them (未记)
  is no evidence: it counts neither as absent nor as attended (a month with only such meetings
  is neutral), and an alert whose run has such meetings says how many, so the secretary
  completes the lists before acting on it.
- Attendance per member (应到 / 出席 / 请假 / 缺席 / 未记) comes from the dated roll, not from the
  rows: see :mod:`models.member_attendance`.
- Study hours are checked for members on the roll all year and not exempt: for a past year
  every shortfall is reported; in the current year only from November on (before that the year
  is too young to tell).
- 应到, quorum and votes come from the dated roll as of each meeting's date (models.quorum), never
  from the attendance list; a meeting whose list misses somebody 应到 is reported and never
  quorate; one that needs people but had nobody 应到, or no attendance at all, is not held.
- 书记讲党课 counts 党课 whose 授课人 is, by exact name, the member who was 书记 on that date.
- Nothing is due, missing or alerted before the branch's start of records (建账日期): see
  :mod:`models.records_start`, applied to the results at the end of :func:`compliance_for_year`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from sqlalchemy.orm import Session

from models import notes, offices
from models.compliance_alerts import (
    Alert,
    MeetingCheck,
    absence_alerts,
    attendance_alerts,
    meeting_checks,
    needs_lookback,
    study_hour_alerts,
)
from models.compliance_data import (
    MeetingFacts,
    by_month,
    load_attendance,
    load_branch,
    load_meetings,
    load_month_attendance,
    load_roll,
    load_span_counts,
    month_spans,
)
from models.entities import Member
from models.enums import MeetingType
from models.member_attendance import (
    MemberAttendance,
    member_attendance,
    unrecorded_between,
    year_counts,
)
from models.quorum import QUORUM_TYPES, DayRoll, MeetingOutcome, RollIndex
from models.records_start import (
    covers_year,
    due_periods,
    held_since,
    months_since,
)
from models.rules import (
    SECRETARY_LECTURE,
    Period,
    RuleSettings,
    get_rule_settings,
    periods_of,
    rule_label,
    set_rule_settings,
)

__all__ = [
    "Alert", "MeetingCheck", "MemberAttendance", "Obligation", "RuleSettings", "YearCompliance",
    "compliance_for_year", "due_in_month", "due_this_month", "get_rule_settings", "set_rule_settings",
]

STATUS_LABELS = {"done": "已完成", "missing": "缺开", "upcoming": "待召开", "failed_quorum": "未达法定人数"}


@dataclass(slots=True)
class Obligation:
    """One thing due: a meeting type (for 党小组会: of one group) in one period. (Not frozen: a
    year makes some 150 of them, and a frozen dataclass sets each field through object.__setattr__.)"""

    meeting_type: MeetingType
    group_id: int | None
    group_name: str | None
    period: str
    start: date
    end: date
    required: int
    held: int
    status: str
    meeting_ids: list[int]
    label: str
    rule: str = ""  # MeetingType code or "secretary_lecture"


@dataclass(frozen=True)
class YearCompliance:
    year: int
    branch_name: str
    obligations: list[Obligation]
    alerts: list[Alert]
    attendance: list[MemberAttendance]
    meeting_checks: list[MeetingCheck] = field(default_factory=list)
    records_since: date | None = None  # 建账日期: nothing due before it


def period_text(period: Period) -> str:
    """2026年3月 / 2026年第1季度 / 2026年上半年 / 2026年度."""
    code = period.code
    if "-Q" in code:
        return f"{code[:4]}年第{code[-1]}季度"
    if "-H" in code:
        return f"{code[:4]}年{'上' if code[-1] == '1' else '下'}半年"
    if "-" in code:
        return f"{code[:4]}年{int(code[5:])}月"
    return f"{code}年度"


def _status(period: Period, required: int, held: int, valid: int, today: date) -> str:
    if valid >= required:
        return "done"
    failed = held > valid
    if period.start > today:
        return "upcoming"
    if period.end >= today:
        return "failed_quorum" if failed else "upcoming"
    return "failed_quorum" if failed else "missing"


def _by_secretary(meeting: MeetingFacts, members: list[Member]) -> bool:
    """书记讲党课: the 授课人 is the member who held the office of 书记 on the lecture date — by
    identity, never by name (an outside lecturer, even a namesake, never counts)."""
    lecturer = meeting.lecturer_member_id
    if lecturer is None:
        return False
    return any(m.id == lecturer and offices.is_secretary_on(m, meeting.held_on) for m in members)


def _outcomes(
    session: Session, held: list[MeetingFacts], roll: RollIndex,
) -> tuple[dict[int, MeetingOutcome], dict[int, bool]]:
    """The rules' verdict on every held meeting: (full outcomes, meeting id → counts as held and
    valid). A meeting without a quorum rule whose attendance rows number exactly its 应到 is
    complete without reading the rows (the editor only lets 应到 members in); every other meeting
    — 党员大会, 支委会, and lists shorter or longer than the roll — is decided from its rows."""
    valid: dict[int, bool] = {}
    full: list[MeetingFacts] = []
    on, known = roll.on, roll.by_day  # (most days are known: looked up without a call)
    other = MeetingType.OTHER
    for m in held:
        mtype = m.meeting_type
        if mtype == other:
            valid[m.id] = True
        elif mtype in QUORUM_TYPES:
            full.append(m)
        else:
            expected = (known.get(m.held_on) or on(m.held_on)).expected(mtype, m.group_id)
            if expected and m.recorded == len(expected):
                valid[m.id] = True
            else:
                full.append(m)
    attendance, votes = load_attendance(session, [m.id for m in full])
    outcomes = {m.id: roll.outcome(m.meeting_type, m.held_on, m.group_id, attendance.get(m.id, {}),
                                   votes.get(m.id, ()), m.is_election) for m in full}
    for meeting_id, out in outcomes.items():
        valid[meeting_id] = out.valid
    return outcomes, valid


def _obligations(
    year: int, today: date, settings: RuleSettings, members: list[Member], meetings: list[MeetingFacts],
    valid: dict[int, bool], groups: list[tuple[int, str]], roll: RollIndex,
) -> list[Obligation]:
    """What was due and done; ``valid``: held meeting id → whether it counts (quorate, attended)."""
    # held meetings by type, group (for 党小组会 only) and month, in date order
    held_by_month: dict[tuple[MeetingType, int | None, int], list[int]] = {}
    lectures: list[MeetingFacts] = []
    group, lecture = MeetingType.GROUP, MeetingType.PARTY_LECTURE
    for m in meetings:
        if m.held_on <= today and m.id in valid:
            mtype = m.meeting_type
            where = (mtype, m.group_id if mtype == group else None, m.held_on.month)
            found = held_by_month.get(where)
            if found is None:
                held_by_month[where] = [m.id]
            else:
                found.append(m.id)
            if mtype == lecture:
                lectures.append(m)
    failed = {i for i, ok in valid.items() if not ok}
    # each kind of period with the roll on its first and last day: somebody is expected in a period
    # when they are on either of those days
    periods: dict[str, list[tuple[Period, range, DayRoll, DayRoll]]] = {}
    on = roll.on
    result: list[Obligation] = []
    for key, freq in settings.frequencies.items():
        if freq.count <= 0:
            continue
        mtype = MeetingType.PARTY_LECTURE if key == SECRETARY_LECTURE else MeetingType(key)
        targets: list[tuple[int | None, str | None]] = (
            [(gid, name) for gid, name in groups] if mtype == MeetingType.GROUP else [(None, None)]
        )
        kind_periods = periods.get(freq.period)
        if kind_periods is None:
            kind_periods = periods[freq.period] = [(p, p.months, on(p.start), on(p.end))
                                                   for p in periods_of(year, freq.period)]
        secretary: dict[tuple[MeetingType, int | None, int], list[int]] = {}
        if key == SECRETARY_LECTURE:
            for m in lectures:
                if _by_secretary(m, members):
                    secretary.setdefault((mtype, None, m.held_on.month), []).append(m.id)
        held = secretary if key == SECRETARY_LECTURE else held_by_month
        rule = rule_label(key)
        for group_id, group_name in targets:
            label = rule if group_name is None else f"{group_name} {rule}"
            for period, months, first, last in kind_periods:
                if not (first.expected(mtype, group_id) or last.expected(mtype, group_id)):
                    continue
                if len(months) == 1:
                    ids = list(held.get((mtype, group_id, months[0]), ()))
                else:
                    ids = [i for month in months for i in held.get((mtype, group_id, month), ())]
                counted = sum(1 for i in ids if i not in failed) if failed else len(ids)
                result.append(Obligation(
                    mtype, group_id, group_name, period.code, period.start, period.end, freq.count, len(ids),
                    _status(period, freq.count, len(ids), counted, today), ids, label, key,
                ))
    return result


def _obligation_alerts(obligations: list[Obligation], checks: list[MeetingCheck]) -> list[Alert]:
    alerts: list[Alert] = []
    for ob in obligations:
        period = Period(ob.period, ob.start, ob.end)
        if ob.status == "missing" and ob.rule == SECRETARY_LECTURE:
            alerts.append(Alert("secretary_lecture", None, None,
                                f"{period_text(period)}书记讲党课应不少于 {ob.required} 次，实际 {ob.held} 次，"
                                "请安排支部书记讲党课。"))
        elif ob.status == "missing":
            alerts.append(Alert("missing", None, None,
                                f"{period_text(period)}{ob.label.replace(' ', '')}应召开 {ob.required} 次，"
                                f"实际 {ob.held} 次，请补开会议或补录记录。"))
    for check in checks:
        if check.quorum_met is False:
            alerts.append(Alert("failed_quorum", None, check.meeting_id, check.quorum_message))
    return alerts


def _secretary_reminder(obligations: list[Obligation], year: int, today: date) -> list[Alert]:
    """In the current year's last quarter, remind that the 书记 has not yet lectured."""
    if today.year != year or today.month < 10:
        return []
    return [
        Alert("secretary_lecture", None, None,
              f"{year}年支部书记尚未讲党课（每年至少 {ob.required} 次），请在年底前安排。")
        for ob in obligations if ob.rule == SECRETARY_LECTURE and ob.status == "upcoming"
    ]


def _unrecorded(
    session: Session, branch_id: int, since: date | None, as_of: date,
    year: tuple[list[MeetingFacts], RollIndex], member: Member, first: tuple[int, int], last: tuple[int, int],
) -> int:
    """未记 meetings of ``member`` in the months ``first`` to ``last`` (for an absence alert);
    ``year``: the year's held meetings and roll, enough unless the months reach back before it."""
    start = date(first[0], first[1], 1)
    end = date(last[0] + last[1] // 12, last[1] % 12 + 1, 1) - timedelta(days=1)
    start, end = max(start, since) if since else start, min(end, as_of)
    return unrecorded_between(session, branch_id, member, start, end, year if start >= year[1].first else None)


def compliance_for_year(session: Session, branch_id: int, year: int, today: date | None = None) -> YearCompliance:
    """Everything the 统计与提醒 page, the annual ledger and ``stats`` show for ``year``."""
    today = today or date.today()
    branch = load_branch(session, branch_id)
    groups = branch.groups
    settings = get_rule_settings(session, branch_id)
    members = load_roll(session, branch_id)
    names = {m.id: m.name for m in members}
    meetings = load_meetings(session, branch_id, year)
    as_of = min(date(year, 12, 31), today)
    held = [m for m in meetings if m.held_on <= today]
    roll = RollIndex(members, date(year, 1, 1), date(year, 12, 31))
    outcomes, valid = _outcomes(session, held, roll)
    checks = meeting_checks(held, outcomes, names)
    obligations = _obligations(year, today, settings, members, meetings, valid, groups, roll)
    since = branch.records_since  # before it nothing is due, missing or alerted
    first = max(date(year, 1, 1), since) if since is not None else date(year, 1, 1)
    spans = month_spans(first, as_of)
    counts, leave = load_span_counts(session, branch_id, spans)
    tallies = year_counts(session, branch_id, held_since(held, since), roll, spans, counts, leave) if spans else {}
    months = by_month(spans, counts)
    back = [m.id for m in members if needs_lookback(m, months.get(m.id, {}), year)]
    if back:  # a run of absence may have begun last year: fetch last year for those members only
        for member_id, earlier in load_month_attendance(session, branch_id, year - 1, None, back, since).items():
            months[member_id].update(earlier)
    hours = notes.study_hours_by_member(session, branch_id, year)
    obligations = due_periods(obligations, since)
    alerts = _obligation_alerts(obligations, held_since(checks, since))
    alerts += attendance_alerts(held_since(held, since), outcomes, names)
    alerts += _secretary_reminder(obligations, year, today)
    alerts += absence_alerts(members, months_since(months, since), year, as_of,
                             partial(_unrecorded, session, branch_id, since, as_of, (held, roll)))
    alerts += study_hour_alerts(members, hours, year, today) if covers_year(since, year) else []
    return YearCompliance(
        year=year, branch_name=branch.name, obligations=obligations, alerts=alerts,
        attendance=member_attendance(groups, members, tallies, hours, as_of),
        meeting_checks=checks, records_since=since,
    )


def short_label(ob: Obligation) -> str:
    """支委会 / 第二党小组会 / 党员大会 … as the start-up summary says them."""
    if ob.rule == SECRETARY_LECTURE:
        return "书记讲党课"
    if ob.group_name:
        return ob.group_name + ("会" if ob.group_name.endswith("小组") else " 党小组会")
    short = {MeetingType.GENERAL_ASSEMBLY: "党员大会", MeetingType.COMMITTEE: "支委会"}
    return short.get(ob.meeting_type, ob.meeting_type.label)


def due_this_month(session: Session, branch_id: int, today: date | None = None) -> list[str]:
    """Labels of what must still be held by the end of this month (本月尚需召开): monthly
    obligations not yet done, and quarterly/half-yearly/yearly ones whose last month this is."""
    today = today or date.today()
    return due_in_month(compliance_for_year(session, branch_id, today.year, today), today)


def due_in_month(data: YearCompliance, today: date) -> list[str]:
    """``due_this_month`` from a year already computed (as of ``today``), without recomputing it."""
    return [
        short_label(ob) for ob in data.obligations
        if ob.start <= today <= ob.end and ob.end.month == today.month and ob.status != "done"
    ]
