"""延长预备期 (党章 第七条: at most one year, and only once): recorded per member through the roster
services; during it the member is still a 预备党员 — 应到 but without a vote — so 应到会有表决权的党员,
the quorum and the ballots leave them out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models import roster
from models.backup import create_backup
from models.compliance import compliance_for_year
from models.db import Database, open_database
from models.enums import AttendanceStatus, MeetingType, MemberCategory
from models.errors import ValidationError
from models.meetings import (
    AgendaInput,
    AttendanceInput,
    MeetingInput,
    create_meeting,
    get_meeting,
)
from models.merge import merge_backup
from models.probation import add_years, ordinary_end
from tests.models.factories import member

GA = MeetingType.GENERAL_ASSEMBLY
JOINED = date(2024, 3, 1)


@pytest.fixture
def branch(db: Database, branch_id: int) -> tuple[list[int], int]:
    """Four voting members and one whose 转正 date is not known (recorded 正式, e.g. imported)."""
    with db.transaction() as s:
        voting = [member(s, branch_id, f"党员{i}") for i in range(4)]
        late = member(s, branch_id, "延长甲", joined=JOINED, full_on=None, category=MemberCategory.FULL)
    return voting, late


def _assembly(db: Database, branch_id: int, day: date, present: list[int], absent: list[int] = (),  # type: ignore[assignment]
              votes_for: int | None = None) -> int:
    agenda = [AgendaInput("表决事项", votes_for=votes_for, votes_against=0, votes_abstain=0)] if votes_for else []
    attendance = [AttendanceInput(m) for m in present] + [AttendanceInput(m, AttendanceStatus.ABSENT) for m in absent]
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(GA, f"党员大会{day}", day, attendance=attendance,
                                                          agenda=agenda))


def test_an_extended_probationer_has_no_vote_until_the_extension_ends(db: Database, branch_id: int,
                                                                      branch: tuple[list[int], int]) -> None:
    voting, late = branch
    with db.transaction() as s:
        roster.extend_probation(s, late, date(2025, 9, 1), note="支部党员大会决议")
    during = _assembly(db, branch_id, date(2025, 6, 10), [*voting[:2], late], voting[2:])
    after = _assembly(db, branch_id, date(2025, 9, 1), [*voting[:2], late], voting[2:])
    with db.reading() as s:
        d, a = get_meeting(s, during), get_meeting(s, after)
        detail = roster.get_member(s, late)
        on_day = {r.id: r for r in roster.list_members(s, branch_id, on=date(2025, 6, 10))}
    assert detail.probation_extension is not None
    assert (detail.probation_extension.start_on, detail.probation_extension.until) == (date(2025, 3, 1), date(2025, 9, 1))
    assert on_day[late].category == MemberCategory.PROBATIONARY and not on_day[late].can_vote
    assert d.outcome is not None and a.outcome is not None
    # 应到 5 either way; 应到会有表决权 4 during the extension: 2 voting present is not a quorum …
    assert (d.expected_count, d.voting_expected, d.voting_present, d.outcome.quorum_met) == (5, 4, 2, False)
    # … and once it has ended the member votes again: 3 of 5 is
    assert (a.expected_count, a.voting_expected, a.voting_present, a.outcome.quorum_met) == (5, 5, 3, True)


def test_ballots_of_an_extended_probationer_are_refused(db: Database, branch_id: int,
                                                        branch: tuple[list[int], int]) -> None:
    voting, late = branch
    with db.transaction() as s:
        roster.extend_probation(s, late, date(2025, 9, 1))
    with pytest.raises(ValidationError, match="超过实到有表决权的党员人数（4）"):
        _assembly(db, branch_id, date(2025, 6, 10), [*voting, late], votes_for=5)


def test_probation_is_extended_once_and_by_at_most_a_year(db: Database, branch_id: int,
                                                          branch: tuple[list[int], int]) -> None:
    voting, late = branch
    start = ordinary_end(JOINED)
    with pytest.raises(ValidationError, match="最长不超过一年") as too_long, db.transaction() as s:
        roster.extend_probation(s, late, add_years(start, 1).replace(day=2))
    assert too_long.value.field == "probation_until"
    with pytest.raises(ValidationError, match="应晚于开始日期"), db.transaction() as s:
        roster.extend_probation(s, late, start)
    with db.transaction() as s:
        roster.extend_probation(s, late, add_years(start, 1))  # exactly one year is allowed
    with pytest.raises(ValidationError, match="只能延长一次"), db.transaction() as s:
        roster.extend_probation(s, late, date(2025, 6, 1))
    with pytest.raises(ValidationError, match="转正时间不能早于") as early, db.transaction() as s:
        data = roster.MemberInput(name="延长甲", gender=roster.Gender.MALE, joined_on=JOINED,
                                  full_member_on=date(2025, 3, 1))
        roster.update_member(s, late, data)
    assert early.value.field == "full_member_on"
    with db.transaction() as s:
        roster.delete_probation_extension(s, late)
        roster.extend_probation(s, late, date(2025, 9, 1))  # removed by mistake: may be entered again
    with pytest.raises(ValidationError, match="已登记转正时间"), db.transaction() as s:
        roster.extend_probation(s, voting[0], date(2012, 1, 1))  # 转正 in 2011 already recorded


def test_leap_day_member_extension_defaults_to_the_anniversary(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        leap = member(s, branch_id, "闰日", joined=date(2024, 2, 29), full_on=None, category=MemberCategory.PROBATIONARY)
        roster.extend_probation(s, leap, date(2026, 2, 28))
    with db.reading() as s:
        ext = roster.get_member(s, leap).probation_extension
    assert ext is not None and ext.start_on == date(2025, 2, 28)


def test_backup_and_merge_carry_the_extension(db: Database, tmp_path: Path) -> None:
    """The committee merging a branch's backup sees the same 延长预备期 (and so the same votes);
    an extension recorded later on the branch's PC travels with the next merge."""
    for folder in ("b1", "b2"):
        (tmp_path / folder).mkdir()
    other = open_database(tmp_path / "other.sqlite3")
    with other.transaction() as s:
        theirs = roster.create_branch(s, "第二党支部")
        late = member(s, theirs, "延长乙", joined=JOINED, full_on=None, category=MemberCategory.PROBATIONARY)
        plain = member(s, theirs, "预备丙", joined=JOINED, full_on=None, category=MemberCategory.PROBATIONARY)
        roster.extend_probation(s, late, date(2025, 12, 1), note="党员大会决议")
    first = create_backup(other.path, tmp_path / "b1").path
    merge_backup(db, first, None)
    with other.transaction() as s:
        roster.extend_probation(s, plain, date(2025, 9, 1))
    second = create_backup(other.path, tmp_path / "b2").path
    other.close()
    merge_backup(db, second, None)
    with db.reading() as s:
        branch = next(b.id for b in roster.list_branches(s) if b.name == "第二党支部")
        rows = {r.name: r.id for r in roster.list_members(s, branch)}
        got = {name: roster.get_member(s, mid).probation_extension for name, mid in rows.items()}
    assert got["延长乙"] is not None and (got["延长乙"].start_on, got["延长乙"].until, got["延长乙"].note) == (
        date(2025, 3, 1), date(2025, 12, 1), "党员大会决议")
    assert got["预备丙"] is not None and got["预备丙"].until == date(2025, 9, 1)


def test_the_year_statistics_leave_an_extended_probationer_without_a_vote(db: Database, branch_id: int,
                                                                         branch: tuple[list[int], int]) -> None:
    """compliance_for_year (统计与提醒, stats) reads the roll its own way: it must see the extension
    too, or a 党员大会 that failed its quorum would count as held."""
    voting, late = branch
    with db.transaction() as s:
        roster.extend_probation(s, late, date(2025, 9, 1))
    during = _assembly(db, branch_id, date(2025, 6, 10), [*voting[:2], late], voting[2:])
    with db.reading() as s:
        year = compliance_for_year(s, branch_id, 2025, today=date(2025, 12, 31))
    q2 = next(o for o in year.obligations if o.meeting_type == GA and o.period.endswith("Q2"))
    assert during in q2.meeting_ids or q2.held == 0
    assert q2.status == "failed_quorum", q2
