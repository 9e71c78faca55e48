"""The meetings list's 应到 comes from the dated roll as of each meeting's date — the number
models.quorum gives for that meeting — and an attendance list shorter than 应到 is flagged."""

from __future__ import annotations

from datetime import date

from models import roster
from models.db import Database
from models.enums import (
    AttendanceStatus,
    BranchRole,
    MeetingStatus,
    MeetingType,
    MembershipState,
)
from models.meetings import (
    AttendanceInput,
    MeetingInput,
    create_meeting,
    get_meetings,
    list_meetings,
)
from tests.models.factories import member

BOTH_ENGINES = True  # the set-based roll query is portable SQLAlchemy Core: run it on PostgreSQL too

GA, COMMITTEE, GROUP = MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE, MeetingType.GROUP


def _meeting(db: Database, branch_id: int, kind: MeetingType, day: date, present: list[int],
             group_id: int | None = None, status: MeetingStatus = MeetingStatus.DRAFT) -> int:
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(
            kind, f"{kind.label}{day}", day, status=status, group_id=group_id,
            attendance=[AttendanceInput(m) for m in present]))


def test_list_shows_expected_from_the_roll_and_flags_a_short_list(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        people = [member(s, branch_id, f"党员{i:02d}") for i in range(16)]
    mid = _meeting(db, branch_id, GA, date(2025, 3, 20), people[:8])  # only the 8 who came were entered
    full = _meeting(db, branch_id, GA, date(2025, 6, 20), people)
    plan = _meeting(db, branch_id, GA, date(2025, 9, 20), [], status=MeetingStatus.PLANNED)
    with db.reading() as s:
        rows = {r.id: r for r in list_meetings(s, branch_id)}
        outcome = get_meetings(s, [mid])[0].outcome
    assert outcome is not None and outcome.expected_count == 16
    short = rows[mid]
    assert (short.expected, short.present, short.recorded) == (16, 8, 8)
    assert short.attendance_problem == "名单不全" and short.counts_text == "16/8（名单不全）"
    assert rows[full].counts_text == "16/16" and rows[full].attendance_problem == ""
    assert rows[plan].counts_text == "16/—" and rows[plan].attendance_problem == ""


def test_a_meeting_with_nobody_expected_is_flagged(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        member(s, branch_id, "党员甲")
    mid = _meeting(db, branch_id, COMMITTEE, date(2025, 3, 5), [])  # no committee at all that day
    with db.reading() as s:
        row = list_meetings(s, branch_id)[0]
    assert row.id == mid and row.expected == 0 and row.attendance_problem == "无应到人员"


def test_list_follows_dated_offices_groups_statuses_and_exemptions(db: Database, branch_id: int) -> None:
    """Every kind of dated change, and the list agrees with models.quorum on every meeting."""
    with db.transaction() as s:
        g1 = roster.create_group(s, branch_id, "第一党小组")
        g2 = roster.create_group(s, branch_id, "第二党小组")
        sec = member(s, branch_id, "书记甲", group_id=g1, role=BranchRole.SECRETARY)
        org = member(s, branch_id, "委员乙", group_id=g1, role=BranchRole.ORGANIZATION)
        a = member(s, branch_id, "党员丙", group_id=g1)
        b = member(s, branch_id, "党员丁", group_id=g2)
        c = member(s, branch_id, "党员戊", group_id=g2)
        member(s, branch_id, "新党员", joined=date(2025, 5, 10), full_on=None, group_id=g2)
        roster.change_committee(s, branch_id, date(2025, 4, 1), {a: BranchRole.SECRETARY, b: BranchRole.PROPAGANDA,
                                                                 c: BranchRole.DISCIPLINE})
        roster.move_to_group(s, a, g2, date(2025, 4, 15))
        roster.add_exemption(s, b, date(2025, 3, 1), date(2025, 3, 31), "长期外出经批准")
        roster.add_status(s, org, MembershipState.TRANSFERRED_OUT, date(2025, 6, 1))
    days = [date(2025, 2, 1), date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 1), date(2025, 4, 15),
            date(2025, 5, 10), date(2025, 6, 1), date(2025, 7, 1)]
    ids = []
    for day in days:
        ids.append(_meeting(db, branch_id, GA, day, []))
        ids.append(_meeting(db, branch_id, COMMITTEE, day, []))
        ids.append(_meeting(db, branch_id, GROUP, day, [], group_id=g1))
        ids.append(_meeting(db, branch_id, GROUP, day, [], group_id=g2))
    with db.reading() as s:
        listed = {r.id: r.expected for r in list_meetings(s, branch_id)}
        paged = {r.id: r.expected for r in list_meetings(s, branch_id, year=2025, month=4, limit=3)}
        truth = {d.id: d.outcome.expected_count for d in get_meetings(s, ids) if d.outcome is not None}
    assert listed == truth and all(listed[i] == n for i, n in paged.items())
    table = [[listed[ids[4 * i + k]] for k in range(4)] for i in range(len(days))]  # GA, 支委会, 一组, 二组
    assert table == [
        [5, 2, 3, 2],  # 2月: everyone but the newcomer; 书记甲 + 委员乙; 甲乙丙 | 丁戊
        [4, 2, 3, 1],  # 3月1日: 党员丁 exempt
        [4, 2, 3, 1],  # 3月31日: the exemption's last day still counts
        [5, 3, 3, 2],  # 4月1日 换届: 丙 丁 戊 on the committee
        [5, 3, 2, 3],  # 4月15日: 丙 moves to the second group
        [6, 3, 2, 4],  # 5月10日: the newcomer joins (second group)
        [5, 3, 1, 4],  # 6月1日: 委员乙 transferred out
        [5, 3, 1, 4],
    ]
    assert sec  # the old 书记 stays on the roll, off the committee after 换届


def test_present_counts_only_those_who_came(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        people = [member(s, branch_id, f"党员{i}") for i in range(3)]
        mid = create_meeting(s, branch_id, MeetingInput(GA, "党员大会", date(2025, 3, 20), attendance=[
            AttendanceInput(people[0]), AttendanceInput(people[1], AttendanceStatus.ABSENT),
            AttendanceInput(people[2], AttendanceStatus.ABSENT)]))
    with db.reading() as s:
        row = list_meetings(s, branch_id)[0]
    assert row.id == mid and row.counts_text == "3/1"
