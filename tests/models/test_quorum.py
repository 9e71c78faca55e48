"""应到 from the dated roll, quorum and votes (SPEC §3), on small branches built through the services.

The numbers come from the rules, not from the code: 应到 16 voting members → at least 9 present and
at least 9 赞成; 预备党员 and members under 留党察看 have no vote; an attendance list that leaves out
somebody 应到 proves nothing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from models import roster
from models.compliance import YearCompliance, compliance_for_year
from models.db import Database
from models.enums import AttendanceStatus, MeetingType, MemberCategory, MembershipState
from models.errors import ValidationError
from models.meetings import (
    AgendaInput,
    AttendanceInput,
    MeetingInput,
    create_meeting,
    get_meeting,
)
from models.rules import quorum_met, vote_passes
from reports.documents import write_document
from tests.models.factories import member

GA, COMMITTEE = MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE
LATER = date(2026, 2, 1)


def year_2025(db: Database, branch_id: int) -> YearCompliance:
    with db.reading() as s:
        return compliance_for_year(s, branch_id, 2025, today=LATER)


def assembly(db: Database, branch_id: int, day: date, present: list[int], absent: list[int] = (),  # type: ignore[assignment]
             votes: tuple[int, int, int] | None = None, election: bool = False) -> int:
    attendance = [AttendanceInput(m) for m in present] + [AttendanceInput(m, AttendanceStatus.ABSENT) for m in absent]
    agenda = [AgendaInput("接收预备党员", votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2])] if votes else []
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(
            meeting_type=GA, title=f"党员大会{day}", held_on=day, attendance=attendance, agenda=agenda,
            is_election=election))


@pytest.fixture
def sixteen(db: Database, branch_id: int) -> list[int]:
    """16 正式党员 (voting) and 2 预备党员 (no vote)."""
    with db.transaction() as s:
        full = [member(s, branch_id, f"党员{i:02d}") for i in range(16)]
        member(s, branch_id, "预备甲", joined=date(2024, 9, 1), full_on=None, category=MemberCategory.PROBATIONARY)
        member(s, branch_id, "预备乙", joined=date(2024, 9, 1), full_on=None, category=MemberCategory.PROBATIONARY)
    return full


def probationers(db: Database, branch_id: int) -> list[int]:
    with db.reading() as s:
        return [r.id for r in roster.list_members(s, branch_id) if r.name.startswith("预备")]


def check_of(data: YearCompliance, meeting_id: int):  # type: ignore[no-untyped-def]
    return next(c for c in data.meeting_checks if c.meeting_id == meeting_id)


def test_rule_functions_follow_the_spec_example() -> None:
    assert quorum_met(16, 8) is False and quorum_met(16, 9) is True
    assert vote_passes(9, 16, 9) and not vote_passes(8, 16, 16)
    assert not vote_passes(9, 16, 8)  # more 赞成 than voting members present cannot be
    assert not vote_passes(9, 16, 12, election=True)  # an election needs more than 4/5 present
    assert vote_passes(13, 16, 13, election=True)


def test_expected_comes_from_the_roll_not_from_the_attendance_rows(db: Database, branch_id: int,
                                                                   sixteen: list[int]) -> None:
    # Only the 8 who came were entered: the list is incomplete, the meeting is not quorate.
    only_eight = assembly(db, branch_id, date(2025, 2, 10), sixteen[:8])
    data = year_2025(db, branch_id)
    check = check_of(data, only_eight)
    assert (check.entitled, check.present, check.quorum_met) == (16, 8, False)
    assert len(check.missing) == 8 + 2  # the 8 voting members and the 2 预备党员 not entered
    incomplete = [a for a in data.alerts if a.kind == "incomplete_attendance" and a.meeting_id == only_eight]
    assert len(incomplete) == 1 and "党员15" in incomplete[0].message and "预备甲" in incomplete[0].message
    q1 = next(o for o in data.obligations if o.meeting_type == GA and o.period == "2025-Q1")
    assert q1.status != "done"


def test_eight_of_sixteen_voting_present_is_not_quorate_even_with_probationers(
        db: Database, branch_id: int, sixteen: list[int]) -> None:
    pro = probationers(db, branch_id)
    eight = assembly(db, branch_id, date(2025, 2, 10), sixteen[:8] + pro, sixteen[8:])
    nine = assembly(db, branch_id, date(2025, 5, 10), sixteen[:9] + pro, sixteen[9:])
    data = year_2025(db, branch_id)
    assert (check_of(data, eight).present, check_of(data, eight).quorum_met) == (8, False)
    assert (check_of(data, nine).present, check_of(data, nine).quorum_met) == (9, True)
    statuses = {o.period: o.status for o in data.obligations if o.meeting_type == GA}
    assert statuses["2025-Q1"] == "failed_quorum" and statuses["2025-Q2"] == "done"


def test_nine_yes_votes_pass_eight_fail_and_probationers_have_no_ballot(
        db: Database, branch_id: int, sixteen: list[int]) -> None:
    pro = probationers(db, branch_id)
    passes = assembly(db, branch_id, date(2025, 2, 10), sixteen[:9] + pro, sixteen[9:], votes=(9, 0, 0))
    fails = assembly(db, branch_id, date(2025, 5, 10), sixteen + pro, [], votes=(8, 4, 4))
    with db.reading() as s:
        first, second = get_meeting(s, passes), get_meeting(s, fails)
        assert first.vote_outcome(first.agenda[0]).passed  # type: ignore[union-attr]
        out = second.vote_outcome(second.agenda[0])
        assert out is not None and not out.passed and out.basis == 16 and out.verdict == "未通过"
    data = year_2025(db, branch_id)
    assert [v.passes for v in check_of(data, passes).votes] == [True]
    assert [v.passes for v in check_of(data, fails).votes] == [False]
    # 9 voting members and 2 预备党员 present: 11 ballots cannot be cast.
    with pytest.raises(ValidationError, match="超过实到有表决权的党员人数（9）") as refused:
        assembly(db, branch_id, date(2025, 8, 10), sixteen[:9] + pro, sixteen[9:], votes=(9, 1, 1))
    assert refused.value.field == "agenda" and "接收预备党员" in refused.value.message


def test_a_vote_without_quorum_is_recorded_but_never_passes(db: Database, branch_id: int,
                                                            sixteen: list[int]) -> None:
    mid = assembly(db, branch_id, date(2025, 2, 10), sixteen[:8], sixteen[8:] + probationers(db, branch_id),
                   votes=(8, 0, 0))
    with db.reading() as s:
        d = get_meeting(s, mid)
    out = d.vote_outcome(d.agenda[0])
    assert out is not None and not out.valid and not out.passed
    assert out.verdict == "未达到法定人数，表决无效"
    assert d.agenda[0].votes_for == 8  # recorded as it happened
    check = check_of(year_2025(db, branch_id), mid)
    assert check.votes[0].valid is False and check.votes[0].passes is False


def test_an_assembly_without_attendance_does_not_make_its_quarter_done(db: Database, branch_id: int,
                                                                      sixteen: list[int]) -> None:
    empty = assembly(db, branch_id, date(2025, 2, 10), [])
    data = year_2025(db, branch_id)
    q1 = next(o for o in data.obligations if o.meeting_type == GA and o.period == "2025-Q1")
    assert q1.status != "done"
    assert any(a.kind == "incomplete_attendance" and a.meeting_id == empty for a in data.alerts)


def test_probation_and_suspension_as_of_the_meeting_date(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        ids = [member(s, branch_id, f"党员{i}") for i in range(5)]
        late = member(s, branch_id, "年中转正", joined=date(2024, 7, 1), full_on=date(2025, 7, 1),
                      category=MemberCategory.FULL)
        roster.add_status(s, ids[4], MembershipState.PROBATION, date(2025, 1, 1))  # 留党察看: no vote
    before = assembly(db, branch_id, date(2025, 5, 10), ids[:3], ids[3:] + [late])
    after = assembly(db, branch_id, date(2025, 8, 10), ids[:3], ids[3:] + [late])
    data = year_2025(db, branch_id)
    # May: 4 voting (预备 until 2025-07-01, 留党察看 excluded) → 3 of 4 present; August: 5 voting.
    assert (check_of(data, before).entitled, check_of(data, before).quorum_met) == (4, True)
    assert (check_of(data, after).entitled, check_of(data, after).quorum_met) == (5, True)
    with db.reading() as s:
        assert get_meeting(s, before).voting_expected == 4 and get_meeting(s, after).expected_count == 6


def test_a_committee_meeting_with_nobody_expected_is_not_held(db: Database, branch_id: int) -> None:
    from models import offices
    from models.enums import BranchRole

    with db.transaction() as s:
        a = member(s, branch_id, "甲")
        offices.start_term(s, a, BranchRole.SECRETARY, date(2025, 3, 15))
    with db.transaction() as s:
        early = create_meeting(s, branch_id, MeetingInput(meeting_type=COMMITTEE, title="支委会", held_on=date(2025, 3, 5)))
    data = year_2025(db, branch_id)
    march = next(o for o in data.obligations if o.meeting_type == COMMITTEE and o.period == "2025-03")
    assert march.status != "done"
    assert any(a.kind == "nobody_expected" and a.meeting_id == early for a in data.alerts)


def test_minutes_say_a_vote_without_quorum_is_void(db: Database, branch_id: int, sixteen: list[int],
                                                  tmp_path: Path) -> None:
    mid = assembly(db, branch_id, date(2025, 2, 10), sixteen[:8], sixteen[8:] + probationers(db, branch_id),
                   votes=(8, 0, 0))
    out = write_document(db, "minutes", tmp_path / "m.pdf", branch_id=branch_id, meeting_id=mid)
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(out).pages))
    assert "应到人数18人" in text and "应到会有表决权的党员16人，实到8人" in text
    assert "未达到法定人数，表决无效" in text and "结果：通过" not in text


def test_stats_and_check_report_an_incomplete_list_and_a_void_vote(
        db: Database, db_path: Path, branch_id: int, sixteen: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    import main

    assembly(db, branch_id, date(2025, 2, 10), sixteen[:8], votes=(8, 0, 0))  # the other 10 never entered
    assert main.main(["stats", "--db", str(db_path), "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "出席情况不完整：应到 18 人，只登记了 8 人" in out
    assert "“接收预备党员”：赞成 8 票，未达到法定人数，表决无效" in out
    assert main.main(["check", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "出席情况不完整的会议 1 次" in out and "未达到法定人数的会议 1 次" in out
    assert "检查结果：正常" in out
