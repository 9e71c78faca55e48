"""党员参加组织生活情况 per member: 应到 from the dated roll as of each meeting's date (SPEC §3), a
missing row counted as 未记 (never as 缺席), and 应到 = 出席 + 请假 + 缺席 + 未记 — in
compliance_for_year, ``stats --json`` and the absence watch."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from models import member_attendance, offices, roster
from models.compliance import MemberAttendance, YearCompliance, compliance_for_year
from models.db import Database
from models.entities import Attendance, Meeting
from models.enums import (
    AttendanceStatus,
    BranchRole,
    LeaveReason,
    MeetingStatus,
    MeetingType,
    MemberCategory,
    MembershipState,
)
from models.meetings import AttendanceInput, MeetingInput, create_meeting, list_meetings
from models.quorum import outcome_for
from tests.models.factories import member

BOTH_ENGINES = True  # the statements behind the table are portable SQLAlchemy Core

GA, COMMITTEE, GROUP, THEME, OTHER = (MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE, MeetingType.GROUP,
                                      MeetingType.THEME_DAY, MeetingType.OTHER)
PRESENT, LEAVE, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT
TODAY = date(2026, 2, 1)  # the year 2025 is over


def meet(db: Database, branch_id: int, kind: MeetingType, day: date, marks: dict[int, AttendanceStatus],
         group_id: int | None = None, status: MeetingStatus = MeetingStatus.DRAFT) -> int:
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(
            kind, f"{kind.label}{day}", day, status=status, group_id=group_id,
            attendance=[AttendanceInput(m, mark, LeaveReason.SICK if mark == LEAVE else None)
                        for m, mark in marks.items()]))


def year(db: Database, branch_id: int, y: int = 2025, today: date = TODAY) -> YearCompliance:
    with db.reading() as s:
        return compliance_for_year(s, branch_id, y, today)


def table(data: YearCompliance) -> dict[str, MemberAttendance]:
    return {m.member: m for m in data.attendance}


def figures(row: MemberAttendance) -> tuple[int, int, int, int, int]:
    """(应到, 出席, 请假, 缺席, 未记)."""
    return row.expected, row.present, row.leave, row.absent, row.unrecorded


def test_a_member_left_off_a_list_is_expected_and_unrecorded_not_absent(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        came, away, forgotten = (member(s, branch_id, n) for n in ("到会", "缺席者", "漏登"))
    meet(db, branch_id, THEME, date(2025, 3, 5), {came: PRESENT, away: ABSENT})  # 漏登 not entered
    meet(db, branch_id, THEME, date(2025, 4, 5), {came: PRESENT, away: LEAVE, forgotten: PRESENT})
    rows = table(year(db, branch_id))
    assert figures(rows["漏登"]) == (2, 1, 0, 0, 1)
    assert figures(rows["缺席者"]) == (2, 0, 1, 1, 0)
    assert figures(rows["到会"]) == (2, 2, 0, 0, 0)
    assert rows["漏登"].rate == 0.5
    with db.reading() as s:  # the meeting itself is flagged as today: 名单不全
        assert [r.attendance_problem for r in list_meetings(s, branch_id) if r.held_on == date(2025, 3, 5)] == ["名单不全"]


def test_stats_json_keeps_its_keys_and_adds_unrecorded(db: Database, db_path: Path, branch_id: int,
                                                       capsys: pytest.CaptureFixture[str], engine: str) -> None:
    if engine != "sqlite":
        pytest.skip("the command line is run on the SQLite file")
    with db.transaction() as s:
        came = member(s, branch_id, "到会")
        member(s, branch_id, "漏登")  # on the roll, left off the lists
    meet(db, branch_id, THEME, date(2025, 3, 5), {came: PRESENT})
    assert main.main(["stats", "--db", str(db_path), "--year", "2025", "--json"]) == 0
    rows = {r["member"]: r for r in json.loads(capsys.readouterr().out)["attendance"]}
    assert rows["漏登"] == {"member": "漏登", "expected": 1, "present": 0, "leave": 0, "absent": 0, "rate": 0.0,
                          "study_hours": 0.0, "unrecorded": 1}
    assert rows["到会"]["unrecorded"] == 0 and rows["到会"]["expected"] == 1
    assert main.main(["stats", "--db", str(db_path), "--year", "2025"]) == 0
    text = capsys.readouterr().out
    line = next(line for line in text.splitlines() if line.strip().startswith("漏登"))
    assert line.split()[1:6] == ["1", "0", "0", "0", "1"] and "未记：" in text


def test_joined_after_or_transferred_before_a_meeting_is_not_expected(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        staying = member(s, branch_id, "常在")
        newcomer = member(s, branch_id, "新党员", joined=date(2025, 5, 10), full_on=None,
                          category=MemberCategory.PROBATIONARY)
        leaving = member(s, branch_id, "转出者")
        roster.add_status(s, leaving, MembershipState.TRANSFERRED_OUT, date(2025, 5, 1))
    meet(db, branch_id, THEME, date(2025, 3, 5), {staying: PRESENT, leaving: PRESENT})
    meet(db, branch_id, THEME, date(2025, 5, 9), {staying: PRESENT})  # the day before the newcomer joined
    meet(db, branch_id, THEME, date(2025, 6, 5), {staying: PRESENT})  # newcomer left off: 未记
    meet(db, branch_id, GA, date(2025, 9, 5), {staying: PRESENT, newcomer: PRESENT})  # 预备党员 attend a 党员大会
    rows = table(year(db, branch_id))
    assert figures(rows["新党员"]) == (2, 1, 0, 0, 1)
    assert figures(rows["转出者"]) == (1, 1, 0, 0, 0)
    assert figures(rows["常在"]) == (4, 4, 0, 0, 0)


def test_another_groups_meeting_does_not_count_and_a_move_follows_its_date(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        g1, g2 = roster.create_group(s, branch_id, "第一党小组"), roster.create_group(s, branch_id, "第二党小组")
        one = member(s, branch_id, "一组", group_id=g1)
        two = member(s, branch_id, "二组", group_id=g2)
        mover = member(s, branch_id, "调组", group_id=g1)
        offices.move_to_group(s, mover, g2, date(2025, 7, 1))
    for month in (3, 8):
        meet(db, branch_id, GROUP, date(2025, month, 10), {one: PRESENT} | ({mover: PRESENT} if month == 3 else {}),
             group_id=g1)
        meet(db, branch_id, GROUP, date(2025, month, 12), {two: PRESENT} | ({mover: PRESENT} if month == 8 else {}),
             group_id=g2)
    rows = table(year(db, branch_id))
    assert figures(rows["一组"]) == (2, 2, 0, 0, 0)
    assert figures(rows["二组"]) == (2, 2, 0, 0, 0)
    assert figures(rows["调组"]) == (2, 2, 0, 0, 0)


def test_a_row_left_behind_by_a_later_correction_of_the_roll_counts_nowhere(db: Database, branch_id: int) -> None:
    """Rows entered while the roll said otherwise: a back-dated move between groups, 转出 and
    exemption. The row at a meeting the member was not 应到 at counts nowhere; the meeting they
    were 应到 at without a row is 未记."""
    with db.transaction() as s:
        g1, g2 = roster.create_group(s, branch_id, "第一党小组"), roster.create_group(s, branch_id, "第二党小组")
        moved = member(s, branch_id, "调组", group_id=g1)
        gone = member(s, branch_id, "转出者")
        exempt = member(s, branch_id, "免参加")
        other = member(s, branch_id, "他人", group_id=g2)
    meet(db, branch_id, GROUP, date(2025, 9, 10), {moved: PRESENT}, group_id=g1)
    meet(db, branch_id, GROUP, date(2025, 9, 12), {other: PRESENT}, group_id=g2)
    meet(db, branch_id, THEME, date(2025, 9, 20), {moved: PRESENT, gone: ABSENT, exempt: ABSENT, other: PRESENT})
    with db.transaction() as s:  # the secretary corrects the roll afterwards, back-dated
        offices.move_to_group(s, moved, g2, date(2025, 9, 1))
        roster.add_status(s, gone, MembershipState.TRANSFERRED_OUT, date(2025, 8, 1))
        roster.add_exemption(s, exempt, date(2025, 1, 1), None, "年老体弱")
    rows = table(year(db, branch_id))
    assert figures(rows["调组"]) == (2, 1, 0, 0, 1)  # 第二党小组's meeting: 未记; 第一's row: not counted
    assert "转出者" not in rows  # off the roll at the year's end and never 应到
    assert figures(rows["免参加"]) == (0, 0, 0, 0, 0)
    assert figures(rows["他人"]) == (2, 2, 0, 0, 0)


def test_committee_meetings_count_for_the_committee_of_their_date(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        old = member(s, branch_id, "老委员", role=BranchRole.SECRETARY)
        new = member(s, branch_id, "新委员")
        member(s, branch_id, "普通党员")
        offices.change_committee(s, branch_id, date(2025, 6, 1), {new: BranchRole.SECRETARY})
    meet(db, branch_id, COMMITTEE, date(2025, 3, 3), {old: PRESENT})
    meet(db, branch_id, COMMITTEE, date(2025, 7, 3), {})  # held, but nobody entered
    meet(db, branch_id, COMMITTEE, date(2025, 8, 3), {new: PRESENT})
    rows = table(year(db, branch_id))
    assert figures(rows["老委员"]) == (1, 1, 0, 0, 0)
    assert figures(rows["新委员"]) == (2, 1, 0, 0, 1)
    assert figures(rows["普通党员"]) == (0, 0, 0, 0, 0)


def test_a_move_between_groups_mid_month_counts_each_group_meeting_by_its_date(db: Database,
                                                                               branch_id: int) -> None:
    """调组 leaves 第一党小组 for 第二党小组 on 15 June, and both groups meet in June on either side
    of that day: each 党小组会 counts for the group the member belonged to on its date — also for a
    row the secretary entered at 第一党小组's meeting of 20 June before recording the move."""
    with db.transaction() as s:
        g1, g2 = roster.create_group(s, branch_id, "第一党小组"), roster.create_group(s, branch_id, "第二党小组")
        first, second = member(s, branch_id, "甲", group_id=g1), member(s, branch_id, "乙", group_id=g2)
        mover = member(s, branch_id, "调组", group_id=g1)
    meet(db, branch_id, GROUP, date(2025, 3, 10), {first: PRESENT, mover: PRESENT}, group_id=g1)
    meet(db, branch_id, GROUP, date(2025, 6, 10), {first: PRESENT, mover: LEAVE}, group_id=g1)
    meet(db, branch_id, GROUP, date(2025, 6, 20), {first: PRESENT, mover: PRESENT}, group_id=g1)
    with db.transaction() as s:  # recorded after the meeting of 20 June: that row is now a stale one
        offices.move_to_group(s, mover, g2, date(2025, 6, 15))
    meet(db, branch_id, THEME, date(2025, 6, 5), {first: PRESENT, second: PRESENT, mover: PRESENT})
    meet(db, branch_id, GROUP, date(2025, 3, 12), {second: PRESENT}, group_id=g2)
    meet(db, branch_id, GROUP, date(2025, 6, 12), {second: PRESENT}, group_id=g2)
    meet(db, branch_id, GROUP, date(2025, 6, 25), {second: PRESENT, mover: ABSENT}, group_id=g2)
    meet(db, branch_id, GROUP, date(2025, 9, 10), {first: PRESENT}, group_id=g1)
    meet(db, branch_id, GROUP, date(2025, 9, 12), {second: LEAVE}, group_id=g2)  # 调组 left off: 未记
    rows = table(year(db, branch_id))
    # 应到: 第一 3/10 and 6/10, the 主题党日, 第二 6/25 and 9/12 — not 第二 3/12 and 6/12, not 第一 6/20 and 9/10
    assert figures(rows["调组"]) == (5, 2, 1, 1, 1)
    assert rows["调组"].group_name == "第二党小组"  # the group at the year's end
    assert figures(rows["甲"]) == (5, 5, 0, 0, 0)  # four 第一党小组会 and the 主题党日
    assert figures(rows["乙"]) == (5, 4, 1, 0, 0)
    with db.reading() as s:  # each meeting's own 应到 agrees
        expected = {(r.group_name, r.held_on): r.expected for r in list_meetings(s, branch_id) if r.meeting_type == GROUP}
    assert expected == {("第一党小组", date(2025, 3, 10)): 2, ("第一党小组", date(2025, 6, 10)): 2,
                        ("第一党小组", date(2025, 6, 20)): 1, ("第一党小组", date(2025, 9, 10)): 1,
                        ("第二党小组", date(2025, 3, 12)): 1, ("第二党小组", date(2025, 6, 12)): 1,
                        ("第二党小组", date(2025, 6, 25)): 2, ("第二党小组", date(2025, 9, 12)): 2}


@pytest.mark.parametrize("max_spans", [48, 1])
def test_coming_onto_and_leaving_the_roll_mid_month_splits_that_month(db: Database, branch_id: int, max_spans: int,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A 转出 on 15 June with a row at the 主题党日 of 25 June entered before the 转出 was recorded,
    and a member who joined on 10 March: each month where the roll changes is cut at that day, so
    the stale row counts nowhere while the rows before the 转出 and after the join all count. (With
    too many changes to cut every month, whole months are read and such members row by row.)"""
    monkeypatch.setattr(member_attendance, "MAX_SPANS", max_spans)
    with db.transaction() as s:
        staying = member(s, branch_id, "常在")
        leaving = member(s, branch_id, "转出者")
        newcomer = member(s, branch_id, "新党员", joined=date(2025, 3, 10), full_on=None,
                          category=MemberCategory.PROBATIONARY)
    meet(db, branch_id, THEME, date(2025, 3, 5), {staying: PRESENT, leaving: PRESENT})  # before the join
    meet(db, branch_id, THEME, date(2025, 3, 20), {staying: PRESENT, leaving: LEAVE, newcomer: PRESENT})
    meet(db, branch_id, THEME, date(2025, 6, 5), {staying: PRESENT, leaving: ABSENT, newcomer: LEAVE})
    meet(db, branch_id, THEME, date(2025, 6, 25), {staying: PRESENT, leaving: PRESENT, newcomer: ABSENT})
    with db.transaction() as s:  # recorded after the meeting of 25 June: that row is now a stale one
        roster.add_status(s, leaving, MembershipState.TRANSFERRED_OUT, date(2025, 6, 15))
    meet(db, branch_id, THEME, date(2025, 9, 5), {staying: PRESENT, newcomer: PRESENT})
    rows = table(year(db, branch_id))
    assert figures(rows["常在"]) == (5, 5, 0, 0, 0)
    assert figures(rows["新党员"]) == (4, 2, 1, 1, 0)  # not 应到 on 5 March
    assert figures(rows["转出者"]) == (3, 1, 1, 1, 0)  # 5 March, 20 March, 5 June; 25 June counts nowhere


def test_rows_in_months_wholly_off_the_roll_count_nowhere(db: Database, branch_id: int) -> None:
    """A 转出 on 10 February whose row at the 主题党日 of 5 April was entered from an old list, and a
    member joining on 1 September with a row in July (a list filled in by mistake): those months lie
    wholly off their time on the roll, and the rows count nowhere — read from the months' counts
    without looking at those members row by row."""
    with db.transaction() as s:
        staying = member(s, branch_id, "常在")
        leaving = member(s, branch_id, "二月转出")
        late = member(s, branch_id, "九月入党", joined=date(2025, 9, 1), full_on=None,
                      category=MemberCategory.PROBATIONARY)
    meet(db, branch_id, THEME, date(2025, 1, 5), {staying: PRESENT, leaving: PRESENT})
    april = meet(db, branch_id, THEME, date(2025, 4, 5), {staying: PRESENT, leaving: ABSENT})
    july = meet(db, branch_id, THEME, date(2025, 7, 5), {staying: PRESENT})
    meet(db, branch_id, THEME, date(2025, 9, 5), {staying: PRESENT, late: PRESENT})
    with db.transaction() as s:
        roster.add_status(s, leaving, MembershipState.TRANSFERRED_OUT, date(2025, 2, 10))
        # rows the editor would refuse, as a merge or an old list brings them
        s.add_all([Attendance(meeting_id=april, member_id=late, status=str(PRESENT)),
                   Attendance(meeting_id=july, member_id=late, status=str(LEAVE))])
    rows = table(year(db, branch_id))
    assert figures(rows["常在"]) == (4, 4, 0, 0, 0)
    assert figures(rows["二月转出"]) == (1, 1, 0, 0, 0)  # 5 January only; the April row counts nowhere
    assert figures(rows["九月入党"]) == (1, 1, 0, 0, 0)  # 5 September only


def test_records_start_and_planned_and_other_meetings(db: Database, branch_id: int) -> None:
    """Before the 建账日期 nothing counts; a 计划 meeting is not held; 其他 has no 应到 rule — its
    list is its 应到, never 未记."""
    with db.transaction() as s:
        came = member(s, branch_id, "到会")
        member(s, branch_id, "漏登")  # on the roll, left off the lists
        roster.update_branch(s, branch_id, "测试第一党支部", "中共测试局机关委员会", date(2001, 7, 1),
                             records_since=date(2025, 6, 15))
    meet(db, branch_id, THEME, date(2025, 6, 14), {came: PRESENT})  # the day before the start of records
    meet(db, branch_id, THEME, date(2025, 6, 15), {came: PRESENT})
    meet(db, branch_id, THEME, date(2025, 12, 5), {}, status=MeetingStatus.PLANNED)
    meet(db, branch_id, OTHER, date(2025, 7, 1), {came: PRESENT})  # 谈心谈话 with one member
    rows = table(year(db, branch_id))
    assert figures(rows["到会"]) == (2, 2, 0, 0, 0)
    assert figures(rows["漏登"]) == (1, 0, 0, 0, 1)


def test_the_current_year_counts_up_to_today(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        member(s, branch_id, "漏登")
        came = member(s, branch_id, "到会")
    meet(db, branch_id, THEME, date(2025, 3, 5), {came: PRESENT})
    meet(db, branch_id, THEME, date(2025, 9, 5), {came: PRESENT})
    assert figures(table(year(db, branch_id, today=date(2025, 6, 30)))["漏登"]) == (1, 0, 0, 0, 1)


def test_absence_watch_treats_unrecorded_as_no_evidence_and_says_so(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        regular, drifting = member(s, branch_id, "常到"), member(s, branch_id, "张缺席")
        member(s, branch_id, "漏登")
    for month in range(1, 8):
        marks = {regular: PRESENT}
        if month != 3:  # March's list left both of them off
            marks[drifting] = ABSENT
        meet(db, branch_id, THEME, date(2025, month, 5), marks)
    data = year(db, branch_id, today=date(2025, 8, 2))
    alerts = [a for a in data.alerts if a.kind.startswith("absence")]
    assert [(a.kind, a.member) for a in alerts] == [("absence_alert", "张缺席")]  # 6 recorded months
    assert "连续 6 个月" in alerts[0].message
    assert "其间另有 1 次应到会议未登记其出席情况" in alerts[0].message and "补登" in alerts[0].message
    # 漏登 was never entered at all: no evidence of absence, no alert, but 7 未记 in the table
    assert figures(table(data)["漏登"]) == (7, 0, 0, 0, 7)


def test_a_run_without_unrecorded_meetings_reads_as_before(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        regular, drifting = member(s, branch_id, "常到"), member(s, branch_id, "张缺席")
    for month in range(1, 5):
        meet(db, branch_id, THEME, date(2025, month, 5), {regular: PRESENT, drifting: ABSENT})
    alerts = [a for a in year(db, branch_id, today=date(2025, 5, 2)).alerts if a.kind == "absence_warning"]
    assert len(alerts) == 1 and "未登记" not in alerts[0].message


def _by_the_one_rule(db: Database, branch_id: int, since: date | None, today: date) -> dict[int, Counter[str]]:
    """What each member's figures must be, meeting by meeting through models.quorum's one rule."""
    with db.reading() as s:
        members = roster.load_members(s, branch_id)
        rows = [r for r in list_meetings(s, branch_id, year=2025) if r.status != MeetingStatus.PLANNED
                and r.held_on <= today and (since is None or r.held_on >= since)]
        marks: dict[int, dict[int, str]] = {}
        for meeting_id, member_id, status in s.execute(select(Attendance.meeting_id, Attendance.member_id,
                                                              Attendance.status)):
            marks.setdefault(meeting_id, {})[member_id] = status
        group_of = dict(s.execute(select(Meeting.id, Meeting.group_id)).all())
        result: dict[int, Counter[str]] = {}
        for row in rows:
            meeting_id = row.id
            attendance = marks.get(meeting_id, {})
            if row.meeting_type == OTHER:
                expected = list(attendance)
            else:
                expected = list(outcome_for(members, row.meeting_type, row.held_on, group_of[meeting_id],
                                            attendance).expected)
            for mid in expected:
                tally = result.setdefault(mid, Counter())
                tally["expected"] += 1
                tally[attendance.get(mid, "unrecorded")] += 1
        return result


def test_the_table_agrees_with_the_per_meeting_rule_on_a_changing_branch(db: Database, branch_id: int) -> None:
    """A year with a 换届, moves between groups, joiners, a 转出, an exemption, 留党察看, stale rows
    and short lists: every member's figures equal those counted meeting by meeting."""
    with db.transaction() as s:
        g1, g2 = roster.create_group(s, branch_id, "第一党小组"), roster.create_group(s, branch_id, "第二党小组")
        people = [member(s, branch_id, f"党员{i:02d}", group_id=(g1, g2)[i % 2],
                         role=BranchRole.SECRETARY if i == 0 else BranchRole.NONE, committee=i < 3)
                  for i in range(12)]
        late = member(s, branch_id, "新党员", joined=date(2025, 4, 17), full_on=None,
                      category=MemberCategory.PROBATIONARY, group_id=g1)
        offices.change_committee(s, branch_id, date(2025, 7, 1), {people[3]: BranchRole.SECRETARY,
                                                                  people[4]: BranchRole.ORGANIZATION})
        offices.move_to_group(s, people[5], g1, date(2025, 5, 20))
        roster.add_status(s, people[6], MembershipState.TRANSFERRED_OUT, date(2025, 9, 1))
        roster.add_status(s, people[7], MembershipState.PROBATION, date(2025, 3, 1))
        roster.add_exemption(s, people[8], date(2025, 2, 10), date(2025, 4, 30), "长期外出经批准")
    statuses = (PRESENT, PRESENT, LEAVE, ABSENT)
    day_of_month = 3
    for month in range(1, 13):
        for kind, group_id in ((THEME, None), (COMMITTEE, None), (GROUP, g1), (GROUP, g2)) + (
                ((GA, None),) if month % 3 == 0 else ()):
            day = date(2025, month, day_of_month)
            day_of_month = day_of_month % 27 + 2
            with db.reading() as s:
                current = roster.load_members(s, branch_id)
            expected = outcome_for(current, kind, day, group_id, {}).expected
            # every fifth 应到 member is left off the list
            marks = {mid: statuses[(mid + month) % 4] for n, mid in enumerate(expected) if (n + month) % 5}
            meet(db, branch_id, kind, day, marks, group_id=group_id)
    meet(db, branch_id, OTHER, date(2025, 6, 6), {people[1]: PRESENT, late: LEAVE})
    with db.transaction() as s:  # corrections after the fact leave stale rows behind
        offices.move_to_group(s, people[9], g1, date(2025, 10, 1))
        roster.add_exemption(s, people[10], date(2025, 11, 1), None, "年老体弱")
    since, today = date(2025, 2, 1), date(2025, 12, 20)
    with db.transaction() as s:
        roster.update_branch(s, branch_id, "测试第一党支部", "中共测试局机关委员会", date(2001, 7, 1),
                             records_since=since)
    want = _by_the_one_rule(db, branch_id, since, today)
    data = year(db, branch_id, today=today)
    with db.reading() as s:
        names = {m.id: m.name for m in roster.load_members(s, branch_id)}
    got = {m.member: figures(m) for m in data.attendance if m.expected}
    assert got == {names[mid]: (t["expected"], t[str(PRESENT)], t[str(LEAVE)], t[str(ABSENT)], t["unrecorded"])
                   for mid, t in want.items()}
    assert sum(t[4] for t in got.values()) > 5  # the short lists did leave people 未记
    for row in data.attendance:
        assert row.expected == row.present + row.leave + row.absent + row.unrecorded


def test_an_absence_run_that_began_last_year_is_counted_from_its_first_month(db: Database, branch_id: int) -> None:
    """The absence watch of 2025 reaches back into 2024 for a member whose first month of 2025 was
    an absence: 张缺席 was absent from September 2024 on (October's list left him off: a neutral
    month, named in the alert), so by March 2025 the run is 6 months long. 李请假's run is broken
    by a 请假 in December 2024 and is only 3 months long; 王 attended in January."""
    with db.transaction() as s:
        drifting, broken, back = member(s, branch_id, "张缺席"), member(s, branch_id, "李请假"), member(s, branch_id, "王")
    marks_by_month = {
        (2024, 7): (PRESENT, PRESENT, PRESENT), (2024, 8): (LEAVE, ABSENT, ABSENT), (2024, 9): (ABSENT, ABSENT, ABSENT),
        (2024, 10): (None, ABSENT, ABSENT), (2024, 11): (ABSENT, ABSENT, ABSENT), (2024, 12): (ABSENT, LEAVE, ABSENT),
        (2025, 1): (ABSENT, ABSENT, PRESENT), (2025, 2): (ABSENT, ABSENT, ABSENT), (2025, 3): (ABSENT, ABSENT, ABSENT),
    }
    for (y, month), marks in marks_by_month.items():
        meet(db, branch_id, THEME, date(y, month, 5),
             {who: mark for who, mark in zip((drifting, broken, back), marks, strict=True) if mark is not None})
    data = year(db, branch_id, today=date(2025, 3, 20))
    alerts = [(a.kind, a.member, a.message) for a in data.alerts if a.kind.startswith("absence")]
    assert [(kind, who) for kind, who, _message in alerts] == [("absence_alert", "张缺席")]
    message = alerts[0][2]
    assert "张缺席自2024年9月起至今已连续 6 个月" in message
    assert "其间另有 1 次应到会议未登记其出席情况" in message  # October 2024, before the year
    # the table stays the year's own: three 主题党日 of 2025
    rows = table(data)
    assert figures(rows["张缺席"]) == (3, 0, 0, 3, 0)
    assert figures(rows["李请假"]) == (3, 0, 0, 3, 0)
    assert figures(rows["王"]) == (3, 1, 0, 2, 0)
    # a month later 李请假's run (2025-01 to 2025-04) reaches 4 months: a warning, counted from January
    meet(db, branch_id, THEME, date(2025, 4, 5), {drifting: ABSENT, broken: ABSENT, back: PRESENT})
    later = [(a.kind, a.member, a.message) for a in year(db, branch_id, today=date(2025, 4, 20)).alerts
             if a.kind.startswith("absence")]
    assert [(kind, who) for kind, who, _message in later] == [("absence_alert", "张缺席"), ("absence_warning", "李请假")]
    assert "张缺席自2024年9月起至今已连续 7 个月" in later[0][2]
    assert "李请假自2025年1月起至今已连续 4 个月" in later[1][2] and "未登记" not in later[1][2]
