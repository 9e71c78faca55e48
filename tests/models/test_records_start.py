"""建账日期 (Branch.records_since): nothing is due, missing or alerted before the start of records."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from models.compliance import YearCompliance, compliance_for_year
from models.compliance_grid import grid_rows, month_text
from models.db import Database
from models.entities import Branch
from models.enums import MeetingType
from models.errors import ValidationError
from models.notes import NoteInput, create_note
from models.roster import create_branch, list_branches, update_branch
from tests.models.factories import member
from tests.models.test_compliance import meet

NOV_2026 = date(2026, 11, 1)


def set_since(db: Database, branch_id: int, since: date | None) -> None:
    with db.transaction() as s:
        s.execute(update(Branch).where(Branch.id == branch_id).values(records_since=since))


def compute(db: Database, branch_id: int, year: int, today: date) -> YearCompliance:
    with db.reading() as s:
        return compliance_for_year(s, branch_id, year, today)


@pytest.fixture
def members(db: Database, branch_id: int) -> list[int]:
    """Ten members, three of them on the committee; no meeting held yet."""
    with db.transaction() as s:
        return [member(s, branch_id, f"党员{i}", committee=i < 3) for i in range(10)]


def test_a_branch_set_up_in_november_is_not_told_it_missed_january_to_october(db, branch_id, members):
    today = date(2026, 11, 30)
    set_since(db, branch_id, None)  # the fault: without a start of records every month is missing
    before = compute(db, branch_id, 2026, today)
    texts = [a.message for a in before.alerts if a.kind == "missing"]
    assert all(any(f"2026年{m}月支部委员会" in t for t in texts) for m in range(1, 11))

    set_since(db, branch_id, NOV_2026)
    data = compute(db, branch_id, 2026, today)
    assert data.records_since == NOV_2026
    assert [a for a in data.alerts if a.kind in ("missing", "failed_quorum")] == []
    assert all(ob.end >= NOV_2026 for ob in data.obligations)
    periods = {(ob.rule, ob.period) for ob in data.obligations}
    # the months from November on, the quarter and half-year that end after it, the year
    assert (str(MeetingType.COMMITTEE), "2026-11") in periods and (str(MeetingType.COMMITTEE), "2026-12") in periods
    assert (str(MeetingType.COMMITTEE), "2026-10") not in periods
    assert (str(MeetingType.GENERAL_ASSEMBLY), "2026-Q4") in periods
    assert (str(MeetingType.GENERAL_ASSEMBLY), "2026-Q3") not in periods
    assert (str(MeetingType.LIFE_MEETING), "2026") in periods
    assert {ob.status for ob in data.obligations} == {"upcoming"}


def test_after_the_year_only_periods_from_the_start_are_missing(db, branch_id, members):
    set_since(db, branch_id, NOV_2026)
    data = compute(db, branch_id, 2026, date(2027, 1, 10))
    missing = [ob for ob in data.obligations if ob.status == "missing"]
    assert missing and all(ob.end >= NOV_2026 for ob in missing)
    texts = [a.message for a in data.alerts if a.kind == "missing"]
    assert any("2026年11月支部委员会" in t for t in texts)
    assert not any("2026年10月" in t or "第3季度" in t for t in texts)
    # a year wholly before the start of records owes nothing and raises nothing
    earlier = compute(db, branch_id, 2025, date(2027, 1, 10))
    assert earlier.obligations == [] and earlier.alerts == []


def test_a_period_is_due_when_it_ends_on_or_after_the_start(db, branch_id, members):
    set_since(db, branch_id, date(2026, 10, 15))  # mid-October: October itself is still due
    data = compute(db, branch_id, 2026, date(2027, 1, 10))
    committee = {ob.period for ob in data.obligations if ob.rule == str(MeetingType.COMMITTEE)}
    assert committee == {"2026-10", "2026-11", "2026-12"}
    assembly = {ob.period for ob in data.obligations if ob.rule == str(MeetingType.GENERAL_ASSEMBLY)}
    assert assembly == {"2026-Q4"}


def test_meetings_held_before_the_start_raise_no_quorum_alert(db, branch_id, members):
    committee = members[:3]
    early = meet(db, branch_id, MeetingType.COMMITTEE, date(2026, 9, 8), committee[:1], absent=committee[1:])
    late = meet(db, branch_id, MeetingType.COMMITTEE, date(2026, 11, 8), committee[:1], absent=committee[1:])
    set_since(db, branch_id, NOV_2026)
    data = compute(db, branch_id, 2026, date(2027, 1, 10))
    assert [a.meeting_id for a in data.alerts if a.kind == "failed_quorum"] == [late]
    assert early in {c.meeting_id for c in data.meeting_checks}  # still checked, shown on the meeting


def test_absence_runs_start_counting_at_the_start_of_records(db, branch_id):
    with db.transaction() as s:
        regular, drifting = member(s, branch_id, "常到"), member(s, branch_id, "张缺席")
    for month in range(6, 13):
        meet(db, branch_id, MeetingType.THEME_DAY, date(2026, month, 5), [regular], absent=[drifting])
    today = date(2026, 12, 20)
    kinds = [a.kind for a in compute(db, branch_id, 2026, today).alerts if a.kind.startswith("absence")]
    assert kinds == ["absence_alert"]  # seven months without a start of records
    set_since(db, branch_id, date(2026, 9, 1))
    data = compute(db, branch_id, 2026, today)
    assert [(a.kind, a.member) for a in data.alerts if a.kind.startswith("absence")] == [
        ("absence_warning", "张缺席")]
    assert "自2026年9月起" in next(a.message for a in data.alerts if a.kind == "absence_warning")
    set_since(db, branch_id, NOV_2026)
    assert [a for a in compute(db, branch_id, 2026, today).alerts if a.kind.startswith("absence")] == []


def test_study_hours_are_checked_only_for_years_the_records_cover(db, branch_id):
    with db.transaction() as s:
        reader = member(s, branch_id, "学习")
        create_note(s, branch_id, NoteInput(date(2026, 11, 3), "笔记", hours=4, member_id=reader))
    today = date(2027, 1, 10)
    assert [a.member for a in compute(db, branch_id, 2026, today).alerts if a.kind == "study_hours"] == ["学习"]
    set_since(db, branch_id, NOV_2026)
    assert [a for a in compute(db, branch_id, 2026, today).alerts if a.kind == "study_hours"] == []
    set_since(db, branch_id, date(2026, 1, 1))
    assert [a.member for a in compute(db, branch_id, 2026, today).alerts if a.kind == "study_hours"] == ["学习"]


def test_grid_shows_months_before_the_start_as_unrecorded(db, branch_id, members):
    set_since(db, branch_id, NOV_2026)
    rows = {row.rule: row for row in grid_rows(compute(db, branch_id, 2026, date(2026, 11, 30)))}
    monthly, quarterly = rows[str(MeetingType.COMMITTEE)], rows[str(MeetingType.GENERAL_ASSEMBLY)]
    assert monthly.unrecorded == 10 and monthly.spans(1) == (1, 10) and monthly.spans(11) == (11, 11)
    assert [month_text(monthly, m) for m in (1, 10, 11)] == ["未建账", "未建账", "0/1"]
    # the fourth quarter is due (it ends after the start): only the first three are 未建账
    assert quarterly.unrecorded == 9 and quarterly.spans(10) == (10, 12)
    assert month_text(quarterly, 10) == "0/1"
    full_year = grid_rows(compute(db, branch_id, 2027, date(2026, 11, 30)))
    assert all(row.unrecorded == 0 for row in full_year)


def test_branch_service_takes_and_checks_the_start_of_records(db):
    with db.transaction() as s:
        branch_id = create_branch(s, "新支部", records_since=NOV_2026)
    with db.reading() as s:
        assert list_branches(s)[0].records_since == NOV_2026
    with pytest.raises(ValidationError) as err, db.transaction() as s:
        update_branch(s, branch_id, "新支部", "", None, records_since=date(1900, 1, 1))
    assert err.value.field == "records_since" and "建账日期" in err.value.message
    with db.transaction() as s:
        update_branch(s, branch_id, "新支部", "", None)  # no date given: the start is kept
    with db.reading() as s:
        assert list_branches(s)[0].records_since == NOV_2026
    with pytest.raises(ValidationError), db.transaction() as s:
        create_branch(s, "未来支部", records_since=date(date.today().year + 5, 1, 1))
