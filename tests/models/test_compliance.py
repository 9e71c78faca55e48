"""Compliance rules at their edges (SPEC §3), on hand-built records written through the services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from models import roster
from models.compliance import (
    Obligation,
    YearCompliance,
    compliance_for_year,
    due_this_month,
)
from models.db import Database
from models.enums import (
    AttendanceStatus,
    BranchRole,
    LeaveReason,
    MeetingStatus,
    MeetingType,
    MemberCategory,
    MembershipState,
)
from models.errors import ValidationError
from models.meetings import AgendaInput, AttendanceInput, MeetingInput, create_meeting
from models.notes import NoteInput, create_note
from models.rules import (
    Frequency,
    RuleSettings,
    get_rule_settings,
    quorum_met,
    set_rule_settings,
    vote_passes,
)
from tests.models.factories import member

GA, COMMITTEE, GROUP = MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE, MeetingType.GROUP


def meet(
    db: Database, branch_id: int, mtype: MeetingType, day: date, present: Sequence[int], *,
    absent: Sequence[int] = (), leave: Sequence[int] = (), group_id: int | None = None,
    status: MeetingStatus = MeetingStatus.DRAFT, lecturer: str = "", votes_for: int | None = None,
    election: bool = False, lecturer_id: int | None = None,
) -> int:
    attendance = (
        [AttendanceInput(m) for m in present]
        + [AttendanceInput(m, AttendanceStatus.ABSENT) for m in absent]
        + [AttendanceInput(m, AttendanceStatus.LEAVE, LeaveReason.SICK) for m in leave]
    )
    agenda = [AgendaInput("表决事项", votes_for=votes_for)] if votes_for is not None else []
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(
            meeting_type=mtype, title=f"{mtype.label}{day}", held_on=day, status=status, group_id=group_id,
            lecturer=lecturer, lecturer_member_id=lecturer_id, lecture_topic="题目" if lecturer or lecturer_id else "",
            attendance=attendance, agenda=agenda,
            is_election=election,
        ))


def compute(db: Database, branch_id: int, year: int, today: date) -> YearCompliance:
    with db.reading() as s:
        return compliance_for_year(s, branch_id, year, today)


def find(data: YearCompliance, mtype: MeetingType, period: str, group_id: int | None = None) -> Obligation:
    return next(o for o in data.obligations
                if o.meeting_type == mtype and o.period == period and o.group_id == group_id
                and o.rule == str(mtype))


@pytest.fixture
def assembly(db: Database, branch_id: int) -> tuple[list[int], list[int]]:
    """16 正式党员 with a vote and 2 预备党员 without."""
    with db.transaction() as s:
        full = [member(s, branch_id, f"正式{i}") for i in range(16)]
        probationary = [member(s, branch_id, f"预备{i}", joined=date(2024, 12, 1), full_on=None,
                               category=MemberCategory.PROBATIONARY) for i in range(2)]
    return full, probationary


def test_general_assembly_quorum_exactly_half_fails_half_plus_one_passes(db, branch_id, assembly):
    full, prob = assembly
    failed = meet(db, branch_id, GA, date(2025, 2, 10), full[:8] + prob, absent=full[8:])
    data = compliance_for_year_2025(db, branch_id)
    check = next(c for c in data.meeting_checks if c.meeting_id == failed)
    assert (check.entitled, check.present, check.quorum_met) == (16, 8, False)
    assert find(data, GA, "2025-Q1").status == "failed_quorum"
    assert [a.meeting_id for a in data.alerts if a.kind == "failed_quorum"] == [failed]

    passed = meet(db, branch_id, GA, date(2025, 3, 10), full[:9] + prob, absent=full[9:])
    data = compliance_for_year_2025(db, branch_id)
    assert next(c for c in data.meeting_checks if c.meeting_id == passed).quorum_met is True
    q1 = find(data, GA, "2025-Q1")
    assert (q1.status, q1.held, sorted(q1.meeting_ids)) == ("done", 2, sorted([failed, passed]))


def test_vote_needs_more_than_half_of_all_voting_members(db, branch_id, assembly):
    full, prob = assembly
    half = meet(db, branch_id, GA, date(2025, 2, 10), full[:10] + prob, absent=full[10:], votes_for=8)
    more = meet(db, branch_id, GA, date(2025, 5, 10), full[:10] + prob, absent=full[10:], votes_for=9)
    checks = {c.meeting_id: c for c in compliance_for_year_2025(db, branch_id).meeting_checks}
    assert [v.passes for v in checks[half].votes] == [False]
    assert [v.passes for v in checks[more].votes] == [True]


def test_rule_functions_at_their_edges():
    assert quorum_met(16, 8) is False and quorum_met(16, 9) is True
    assert quorum_met(5, 3) is True and quorum_met(4, 2) is False
    assert quorum_met(10, 8, election=True) is False and quorum_met(10, 9, election=True) is True
    assert quorum_met(0, 0) is None
    assert vote_passes(8, 16) is False and vote_passes(9, 16) is True


def test_committee_quorum_counts_committee_members(db, branch_id):
    with db.transaction() as s:
        committee = [member(s, branch_id, f"委员{i}", committee=True) for i in range(5)]
    meeting = meet(db, branch_id, COMMITTEE, date(2025, 1, 8), committee[:2], absent=committee[2:])
    data = compliance_for_year_2025(db, branch_id)
    assert next(c for c in data.meeting_checks if c.meeting_id == meeting).quorum_met is False
    assert find(data, COMMITTEE, "2025-01").status == "failed_quorum"
    assert find(data, COMMITTEE, "2025-02").status == "missing"
    assert any(a.kind == "missing" and "2025年2月支部委员会" in a.message for a in data.alerts)


def compliance_for_year_2025(db: Database, branch_id: int) -> YearCompliance:
    return compute(db, branch_id, 2025, date(2026, 1, 20))


# --- absence watch -------------------------------------------------------------------------------


@pytest.fixture
def pair(db: Database, branch_id: int) -> tuple[int, int]:
    with db.transaction() as s:
        return member(s, branch_id, "常到"), member(s, branch_id, "张缺席")


def monthly_theme_days(db, branch_id, pair, months, *, leave_in=()):
    regular, drifting = pair
    for month in months:
        if month in leave_in:
            meet(db, branch_id, MeetingType.THEME_DAY, date(2025, month, 5), [regular], leave=[drifting])
        else:
            meet(db, branch_id, MeetingType.THEME_DAY, date(2025, month, 5), [regular], absent=[drifting])


def absence_kinds(data: YearCompliance) -> list[tuple[str, str | None]]:
    return [(a.kind, a.member) for a in data.alerts if a.kind.startswith("absence")]


def test_absence_warning_at_five_months_alert_at_six(db, branch_id, pair):
    monthly_theme_days(db, branch_id, pair, range(1, 6))
    data = compute(db, branch_id, 2025, date(2025, 6, 2))
    assert absence_kinds(data) == [("absence_warning", "张缺席")]
    assert "连续 5 个月" in next(a.message for a in data.alerts if a.kind == "absence_warning")
    monthly_theme_days(db, branch_id, pair, [6])
    data = compute(db, branch_id, 2025, date(2025, 7, 2))
    assert absence_kinds(data) == [("absence_alert", "张缺席")]
    assert "连续 6 个月" in next(a.message for a in data.alerts if a.kind == "absence_alert")


def test_approved_leave_breaks_the_run(db, branch_id, pair):
    monthly_theme_days(db, branch_id, pair, range(1, 7), leave_in=(3,))
    assert absence_kinds(compute(db, branch_id, 2025, date(2025, 7, 2))) == []


def test_months_without_any_meeting_neither_break_nor_extend(db, branch_id, pair):
    monthly_theme_days(db, branch_id, pair, [1, 2, 4, 5])  # nothing held in March
    data = compute(db, branch_id, 2025, date(2025, 6, 2))
    assert absence_kinds(data) == [("absence_warning", "张缺席")]
    assert any("连续 4 个月" in a.message for a in data.alerts if a.kind == "absence_warning")


def test_exempt_member_is_not_expected_nor_warned(db, branch_id, pair):
    regular, drifting = pair
    with db.transaction() as s:
        roster.add_exemption(s, drifting, date(2025, 1, 1), None, "年老体弱")
    for month in range(1, 13):
        meet(db, branch_id, MeetingType.THEME_DAY, date(2025, month, 5), [regular])
    data = compliance_for_year_2025(db, branch_id)
    assert absence_kinds(data) == []
    rows = {m.member: m for m in data.attendance}
    assert rows["张缺席"].expected == 0 and rows["常到"].expected == 12 and rows["常到"].rate == 1.0
    assert "张缺席" not in {a.member for a in data.alerts if a.kind == "study_hours"}
    assert "常到" in {a.member for a in data.alerts if a.kind == "study_hours"}


def test_study_hours_reach_32(db, branch_id, pair):
    regular, _ = pair
    with db.transaction() as s:
        for month in range(1, 9):
            create_note(s, branch_id, NoteInput(date(2025, month, 3), f"笔记{month}", hours=4, member_id=regular))
    data = compliance_for_year_2025(db, branch_id)
    assert {m.member: m.study_hours for m in data.attendance}["常到"] == 32
    assert [a.member for a in data.alerts if a.kind == "study_hours"] == ["张缺席"]


# --- obligations ----------------------------------------------------------------------------------


def test_group_obligations_stop_after_its_only_member_transfers_out(db, branch_id):
    with db.transaction() as s:
        group = roster.create_group(s, branch_id, "第一党小组")
        leaving = member(s, branch_id, "转出者", group_id=group)
        roster.add_status(s, leaving, MembershipState.TRANSFERRED_OUT, date(2025, 6, 15))
    for month in range(1, 6):
        meet(db, branch_id, GROUP, date(2025, month, 10), [leaving], group_id=group)
    data = compliance_for_year_2025(db, branch_id)
    periods = {o.period: o.status for o in data.obligations if o.meeting_type == GROUP}
    assert list(periods) == [f"2025-{m:02d}" for m in range(1, 7)]
    assert periods["2025-06"] == "missing" and periods["2025-05"] == "done"
    assert {m.member: m.expected for m in data.attendance} == {"转出者": 5}
    assert absence_kinds(data) == []


def test_current_month_is_upcoming_and_due_this_month(db, branch_id):
    with db.transaction() as s:
        committee = [member(s, branch_id, f"委员{i}", committee=True, role=r)
                     for i, r in enumerate((BranchRole.SECRETARY, BranchRole.ORGANIZATION, BranchRole.NONE))]
    for month in (1, 2):
        meet(db, branch_id, COMMITTEE, date(2025, month, 8), committee)
    meet(db, branch_id, COMMITTEE, date(2025, 3, 2), committee, status=MeetingStatus.PLANNED)
    today = date(2025, 3, 15)
    data = compute(db, branch_id, 2025, today)
    assert [find(data, COMMITTEE, f"2025-{m:02d}").status for m in (1, 2, 3, 4)] == [
        "done", "done", "upcoming", "upcoming"]
    assert find(data, COMMITTEE, "2025-03").held == 0  # a planned meeting is not held
    assert find(data, GA, "2025-Q1").status == "upcoming"
    assert not [a for a in data.alerts if a.kind == "missing" and "支部委员会" in a.message]
    with db.reading() as s:
        due = due_this_month(s, branch_id, today)
    assert "支委会" in due and "党员大会" in due and "党课" in due
    assert "组织生活会" not in due and "书记讲党课" not in due


def test_secretary_lecture_counts_only_the_secretary(db, branch_id):
    with db.transaction() as s:
        secretary = member(s, branch_id, "王书记", role=BranchRole.SECRETARY, committee=True)
        other = member(s, branch_id, "李委员", role=BranchRole.PROPAGANDA, committee=True)
    meet(db, branch_id, MeetingType.PARTY_LECTURE, date(2025, 4, 1), [secretary, other], lecturer_id=other)
    data = compliance_for_year_2025(db, branch_id)
    lecture = next(o for o in data.obligations if o.rule == "secretary_lecture")
    assert (lecture.label, lecture.period, lecture.held, lecture.status) == ("书记讲党课", "2025", 0, "missing")
    assert [a.kind for a in data.alerts].count("secretary_lecture") == 1
    assert find(data, MeetingType.PARTY_LECTURE, "2025-Q2").status == "done"
    # the 书记's name typed as text alone is an outside namesake, not the 书记
    meet(db, branch_id, MeetingType.PARTY_LECTURE, date(2025, 8, 1), [secretary, other], lecturer="支部书记王书记")
    data = compliance_for_year_2025(db, branch_id)
    assert next(o for o in data.obligations if o.rule == "secretary_lecture").status == "missing"
    meet(db, branch_id, MeetingType.PARTY_LECTURE, date(2025, 9, 1), [secretary, other], lecturer_id=secretary)
    data = compliance_for_year_2025(db, branch_id)
    assert next(o for o in data.obligations if o.rule == "secretary_lecture").status == "done"


def test_rule_settings_change_frequencies(db, branch_id, pair):
    with db.transaction() as s:
        settings = get_rule_settings(s, branch_id)
        settings.frequencies[str(MeetingType.PARTY_LECTURE)] = Frequency("half", 1)
        settings.frequencies[str(MeetingType.THEME_DAY)] = Frequency("month", 0)
        set_rule_settings(s, branch_id, settings)
    with db.transaction() as s, pytest.raises(ValidationError, match="党课"):
        set_rule_settings(s, branch_id, RuleSettings({str(MeetingType.PARTY_LECTURE): Frequency("week", 1)}))
    data = compliance_for_year_2025(db, branch_id)
    assert [o.period for o in data.obligations if o.rule == str(MeetingType.PARTY_LECTURE)] == ["2025-H1", "2025-H2"]
    assert not [o for o in data.obligations if o.meeting_type == MeetingType.THEME_DAY]


def test_future_year_is_all_upcoming(db, branch_id, pair):
    data = compute(db, branch_id, 2027, date(2026, 5, 1))
    assert data.obligations and {o.status for o in data.obligations} == {"upcoming"}
    assert data.alerts == []


def test_absence_run_carries_over_from_the_previous_year(db, branch_id, pair):
    regular, drifting = pair
    for year, month in [(2024, 10), (2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 3)]:
        meet(db, branch_id, MeetingType.THEME_DAY, date(year, month, 5), [regular], absent=[drifting])
    data = compute(db, branch_id, 2025, date(2025, 4, 2))
    assert absence_kinds(data) == [("absence_alert", "张缺席")]
    assert "自2024年10月起至今已连续 6 个月" in next(a.message for a in data.alerts if a.kind == "absence_alert")
    # 2024 on its own only saw three months
    assert absence_kinds(compute(db, branch_id, 2024, date(2025, 4, 2))) == []



def test_attendance_rows_follow_the_branchs_group_order(db, branch_id):
    """第一、第二、第三 as the branch orders them (sorting the names would put 第三 before 第二)."""
    with db.transaction() as s:
        groups = [roster.create_group(s, branch_id, name) for name in ("第一党小组", "第二党小组", "第三党小组")]
        member(s, branch_id, "无组")
        member(s, branch_id, "丙", group_id=groups[2])
        member(s, branch_id, "乙", group_id=groups[1])
        member(s, branch_id, "甲", group_id=groups[0])
    with db.reading() as s:
        data = compliance_for_year(s, branch_id, 2025, date(2025, 12, 31))
    assert [(a.member, a.group_name) for a in data.attendance] == [
        ("甲", "第一党小组"), ("乙", "第二党小组"), ("丙", "第三党小组"), ("无组", "")]
