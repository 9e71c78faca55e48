"""任职记录 and 党小组 history: a 换届 or a move between groups never rewrites the past (SPEC §2)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import offices, roster
from models.compliance import YearCompliance, compliance_for_year
from models.db import Database
from models.entities import Meeting
from models.enums import (
    AttendanceStatus,
    BranchRole,
    Gender,
    MeetingType,
    MemberCategory,
)
from models.errors import ValidationError
from models.meetings import (
    AttendanceInput,
    MeetingInput,
    create_meeting,
    default_attendance,
    get_meeting,
)
from tests.models.factories import member

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)

COMMITTEE, GROUP, LECTURE = MeetingType.COMMITTEE, MeetingType.GROUP, MeetingType.PARTY_LECTURE
HANDOVER = date(2025, 6, 1)


def year_2025(db: Database, branch_id: int) -> YearCompliance:
    with db.reading() as s:
        return compliance_for_year(s, branch_id, 2025, today=date(2026, 2, 1))


def meet(db: Database, branch_id: int, kind: MeetingType, day: date, present: list[int], absent: list[int] = (),  # type: ignore[assignment]
         group_id: int | None = None, lecturer: str = "", lecturer_id: int | None = None) -> int:
    attendance = [AttendanceInput(m) for m in present] + [AttendanceInput(m, AttendanceStatus.ABSENT) for m in absent]
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(
            meeting_type=kind, title=f"{kind.label}{day}", held_on=day, attendance=attendance, group_id=group_id,
            lecturer=lecturer, lecturer_member_id=lecturer_id,
            lecture_topic="题目" if lecturer or lecturer_id else ""))


@pytest.fixture
def committee(db: Database, branch_id: int) -> dict[str, int]:
    """甲 书记, 乙 组织委员, 丙 宣传委员 until the 换届 on 2025-06-01; then 丁 书记, 乙, 戊."""
    with db.transaction() as s:
        ids = {
            "甲": member(s, branch_id, "甲", role=BranchRole.SECRETARY),
            "乙": member(s, branch_id, "乙", role=BranchRole.ORGANIZATION),
            "丙": member(s, branch_id, "丙", role=BranchRole.PROPAGANDA),
            "丁": member(s, branch_id, "丁"),
            "戊": member(s, branch_id, "戊"),
        }
        offices.change_committee(s, branch_id, HANDOVER, {
            ids["丁"]: BranchRole.SECRETARY, ids["乙"]: BranchRole.ORGANIZATION, ids["戊"]: BranchRole.OTHER_COMMITTEE})
    return ids


def names(db: Database, branch_id: int, kind: MeetingType, day: date, group_id: int | None = None) -> set[str]:
    with db.reading() as s:
        ids = {a.member_id for a in default_attendance(s, branch_id, kind, day, group_id)}
        return {r.name for r in roster.list_members(s, branch_id) if r.id in ids}


def test_a_handover_keeps_the_old_committee_for_earlier_meetings(db: Database, branch_id: int,
                                                                 committee: dict[str, int]) -> None:
    assert names(db, branch_id, COMMITTEE, date(2025, 3, 10)) == {"甲", "乙", "丙"}
    assert names(db, branch_id, COMMITTEE, HANDOVER) == {"丁", "乙", "戊"}
    march = meet(db, branch_id, COMMITTEE, date(2025, 3, 10), [committee["甲"], committee["乙"]], [committee["丙"]])
    july = meet(db, branch_id, COMMITTEE, date(2025, 7, 10), [committee["丁"]], [committee["乙"], committee["戊"]])
    data = year_2025(db, branch_id)
    checks = {c.meeting_id: c for c in data.meeting_checks}
    assert (checks[march].entitled, checks[march].present, checks[march].quorum_met) == (3, 2, True)
    assert (checks[july].entitled, checks[july].present, checks[july].quorum_met) == (3, 1, False)
    assert not [a for a in data.alerts if a.kind == "incomplete_attendance"]
    with db.reading() as s:
        today = {r.name: r for r in roster.list_members(s, branch_id)}
        then = {r.name: r for r in roster.list_members(s, branch_id, on=date(2025, 3, 1))}
        history = roster.get_member(s, committee["甲"]).terms
    # Today's roster (the cached columns) shows the new committee; the past keeps the old one.
    assert today["丁"].branch_role == BranchRole.SECRETARY and not today["甲"].is_committee
    assert today["戊"].is_committee and today["戊"].branch_role == BranchRole.OTHER_COMMITTEE
    assert then["甲"].branch_role == BranchRole.SECRETARY and not then["丁"].is_committee
    assert [(t.what, t.start_on, t.end_on) for t in history] == [("书记", None, HANDOVER)]


def test_a_lecture_by_the_then_secretary_keeps_counting(db: Database, branch_id: int,
                                                        committee: dict[str, int]) -> None:
    """The office moved to 丁 at the 换届; 甲's lecture in April was still by the then-书记."""
    everyone = list(committee.values())
    lecture_id = meet(db, branch_id, LECTURE, date(2025, 4, 10), everyone, lecturer_id=committee["甲"])
    lecture = next(o for o in year_2025(db, branch_id).obligations if o.rule == "secretary_lecture")
    assert (lecture.held, lecture.status) == (1, "done")
    with db.reading() as s:
        detail = get_meeting(s, lecture_id)
    assert (detail.lecturer, detail.lecturer_member_id) == ("甲", committee["甲"])  # the text follows the person


def test_a_namesake_outside_lecturer_does_not_count(db: Database, branch_id: int,
                                                    committee: dict[str, int]) -> None:
    """An outside lecturer who bears the 书记's name (text only, no member) is not the 书记."""
    meet(db, branch_id, LECTURE, date(2025, 4, 10), list(committee.values()), lecturer="甲")
    meet(db, branch_id, LECTURE, date(2025, 9, 10), list(committee.values()), lecturer="书记丁")
    lecture = next(o for o in year_2025(db, branch_id).obligations if o.rule == "secretary_lecture")
    assert (lecture.held, lecture.status) == (0, "missing")


def test_the_lecturer_must_be_on_the_roll_that_day(db: Database, branch_id: int,
                                                   committee: dict[str, int]) -> None:
    with db.transaction() as s:
        late = member(s, branch_id, "新党员", joined=date(2025, 8, 1), full_on=None, category=MemberCategory.PROBATIONARY)
    with pytest.raises(ValidationError) as caught:
        meet(db, branch_id, LECTURE, date(2025, 4, 10), list(committee.values()), lecturer_id=late)
    assert caught.value.field == "lecturer" and "授课人" in str(caught.value) and "新党员" in str(caught.value)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_lecture_before_becoming_secretary_does_not_count(db: Database, branch_id: int,
                                                            committee: dict[str, int]) -> None:
    meet(db, branch_id, LECTURE, date(2025, 4, 10), list(committee.values()), lecturer_id=committee["丁"])
    lecture = next(o for o in year_2025(db, branch_id).obligations if o.rule == "secretary_lecture")
    assert (lecture.held, lecture.status) == (0, "missing")
    meet(db, branch_id, LECTURE, date(2025, 9, 10), list(committee.values()), lecturer_id=committee["丁"])
    lecture = next(o for o in year_2025(db, branch_id).obligations if o.rule == "secretary_lecture")
    assert (lecture.held, lecture.status) == (1, "done")


def test_the_lecturer_is_matched_by_whole_name_not_substring(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        wang = member(s, branch_id, "王强", role=BranchRole.SECRETARY)
        other = member(s, branch_id, "王强华")
    meet(db, branch_id, LECTURE, date(2025, 4, 10), [wang, other], lecturer_id=other)
    lecture = next(o for o in year_2025(db, branch_id).obligations if o.rule == "secretary_lecture")
    assert lecture.held == 0


def test_group_moves_are_dated(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        g1, g2 = roster.create_group(s, branch_id, "第一党小组"), roster.create_group(s, branch_id, "第二党小组")
        mover = member(s, branch_id, "调动者", group_id=g1)
        stay1, stay2 = member(s, branch_id, "一组", group_id=g1), member(s, branch_id, "二组", group_id=g2)
        roster.move_to_group(s, mover, g2, HANDOVER)  # the roster offers the dated services too
    assert names(db, branch_id, GROUP, date(2025, 3, 5), g1) == {"调动者", "一组"}
    assert names(db, branch_id, GROUP, date(2025, 9, 5), g1) == {"一组"}
    assert names(db, branch_id, GROUP, date(2025, 9, 5), g2) == {"调动者", "二组"}
    meet(db, branch_id, GROUP, date(2025, 3, 5), [mover, stay1], group_id=g1)
    meet(db, branch_id, GROUP, date(2025, 9, 5), [stay1], group_id=g1)
    late = meet(db, branch_id, GROUP, date(2025, 9, 6), [stay2], group_id=g2)  # 调动者 left out
    data = year_2025(db, branch_id)
    incomplete = [a for a in data.alerts if a.kind == "incomplete_attendance"]
    assert [a.meeting_id for a in incomplete] == [late] and "调动者" in incomplete[0].message
    with db.reading() as s:
        assert roster.get_member(s, mover).row.group_id == g2
        assert [(t.what, t.end_on) for t in roster.get_member(s, mover).terms] == [
            ("第一党小组", HANDOVER), ("第二党小组", None)]


def test_editing_a_role_starts_a_term_and_keeps_the_past(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        secretary = member(s, branch_id, "老书记", role=BranchRole.SECRETARY)
        detail = roster.get_member(s, secretary)
        data = roster.MemberInput(name="老书记", gender=Gender.MALE, joined_on=detail.row.joined_on,
                                  full_member_on=detail.row.full_member_on, birth_date=detail.row.birth_date)
        roster.update_member(s, secretary, data, effective_on=date(2025, 6, 1))
    with db.reading() as s:
        m = roster.members_by_id(s, [secretary])[secretary]
        assert offices.office_on(m, date(2025, 5, 31)) == BranchRole.SECRETARY
        assert offices.office_on(m, date(2025, 6, 1)) == BranchRole.NONE
        assert roster.get_member(s, secretary).row.branch_role == BranchRole.NONE


def test_bad_terms_are_refused_with_a_reason(db: Database, branch_id: int, committee: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="只能有一名书记"), db.transaction() as s:
        offices.change_committee(s, branch_id, date(2026, 1, 1), {
            committee["甲"]: BranchRole.SECRETARY, committee["乙"]: BranchRole.SECRETARY})
    with pytest.raises(ValidationError, match="已有书记任职记录"), db.transaction() as s:
        offices.start_term(s, committee["丁"], BranchRole.SECRETARY, date(2025, 9, 1))
    with db.reading() as s:
        term = roster.get_member(s, committee["丁"]).terms[0]
    with pytest.raises(ValidationError, match="应晚于任职"), db.transaction() as s:
        offices.end_term(s, term.id, date(2025, 1, 1))
    with db.reading() as s:
        assert roster.get_member(s, committee["丁"]).row.branch_role == BranchRole.SECRETARY
